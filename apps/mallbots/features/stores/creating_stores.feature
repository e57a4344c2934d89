Feature: Creating stores
  As a store owner
  I can open my store in the mall
  So that customers can order from it at the kiosk

  Scenario: Opening a store
    When I create a store called "Waldorf Books" at "Level 2, east wing"
    Then the store "Waldorf Books" is open at "Level 2, east wing"
    And the store "Waldorf Books" is not taking part in automated shopping

  Scenario: A store needs a name
    When I create a store called ""
    Then I receive a 400 error with code "store_name_blank"
    And the error says "the store name cannot be blank"
    And the error names the field "body.name"

  Scenario: A store needs a location
    When I create a store called "Waldorf Books" at " "
    Then I receive a 400 error with code "store_location_blank"
    And the error names the field "body.location"

  Scenario: Taking part in automated shopping
    Given the store "Nic & Naks" exists
    When I enable participation for the store "Nic & Naks"
    Then the request succeeds
    And the store "Nic & Naks" is taking part in automated shopping

  Scenario: Leaving automated shopping
    Given the store "Nic & Naks" takes part in automated shopping
    When I disable participation for the store "Nic & Naks"
    Then the store "Nic & Naks" is not taking part in automated shopping

  Scenario: Taking part twice is refused
    Given the store "Nic & Naks" takes part in automated shopping
    When I enable participation for the store "Nic & Naks"
    Then I receive a 409 error with code "store_already_participating"
    And the store "Nic & Naks" is taking part in automated shopping

  Scenario: Rebranding a store
    Given the store "Nic & Naks" exists
    When I rebrand the store "Nic & Naks" as "Nick's Knacks"
    Then the store "Nic & Naks" is called "Nick's Knacks"

  Scenario: A rebranded store still needs a name
    Given the store "Nic & Naks" exists
    When I rebrand the store "Nic & Naks" as " "
    Then I receive a 400 error with code "store_name_blank"
    And the error names the field "body.name"
    And the store "Nic & Naks" is called "Nic & Naks"

Feature: Starting baskets
  As a customer at the kiosk
  I start a basket to collect what I want to order

  Scenario: Starting a basket
    Given I am a registered customer
    When I start a basket
    Then the request succeeds
    And the basket is open and empty

  Scenario: A basket belongs to someone
    When I start a basket without saying who I am
    Then I receive a 400 error with code "customer_id_blank"
    And the error names the field "body.customerId"

  Scenario: A basket belongs to a registered customer
    When someone who never registered starts a basket
    Then I receive a 400 error with code "customer_not_registered"
    And the error names the field "body.customerId"

  Scenario: Canceling a basket
    Given I am a registered customer
    And I start a new basket
    When I cancel the basket
    Then the request succeeds
    And the basket is canceled

  Scenario: A canceled basket cannot be canceled again
    Given I am a registered customer
    And I start a new basket
    And I cancel the basket
    When I cancel the basket
    Then I receive a 409 error with code "basket_not_cancelable"

  Scenario: A canceled basket takes no more items
    Given I am a registered customer
    And the store "Nic & Naks" sells the following products
      | Name              | Price |
      | Wizard w/ crystal | 9.99  |
    And I start a new basket
    And I cancel the basket
    When I add 1 of "Wizard w/ crystal" to the basket
    Then I receive a 409 error with code "basket_not_open"

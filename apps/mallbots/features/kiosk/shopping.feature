Feature: Kiosk shopping
  As a customer
  I order at the kiosk, a robot shops the stores of the mall for me,
  and I pick my order up at the depot and pay for what the robot found

  Background:
    Given I am a registered customer
    And the store "Nic & Naks" takes part in automated shopping
    And the store "Nic & Naks" sells the following products
      | Name              | Price |
      | Wizard w/ crystal | 9.99  |
      | Dragon figurine   | 14.50 |
    And the store "Waldorf Books" takes part in automated shopping
    And the store "Waldorf Books" sells the following products
      | Name             | Price |
      | The Hobbit       | 12.00 |

  Scenario: From the kiosk to the depot
    Given I have a basket with
      | Name              | Quantity |
      | Wizard w/ crystal | 2        |
      | The Hobbit        | 1        |
    When I check out the basket
    Then my order is approved
    And its shopping list is available
    When a robot called "bot-1" connects
    Then the robot "bot-1" is told to shop my order at
      | Store         | Location            | Name              | Quantity |
      | Nic & Naks    | Level 1, north wing | Wizard w/ crystal | 2        |
      | Waldorf Books | Level 1, north wing | The Hobbit        | 1        |
    And its shopping list is assigned
    When the robot "bot-1" picks every item
    Then the robot "bot-1" is told to return
    When the robot "bot-1" is back at the depot
    Then my order is ready
    And its shopping list is completed
    And I am invoiced 31.98
    And the robot "bot-1" is told to wait
    When I pay the invoice
    Then the request succeeds
    And the invoice is paid
    And my order is completed

  Scenario: What a store has run out of is not charged
    Given I have a basket with
      | Name              | Quantity |
      | Wizard w/ crystal | 1        |
      | Dragon figurine   | 2        |
    And I check out the basket
    And my order is approved
    And a robot called "bot-1" connects
    And the robot "bot-1" is told to shop my order
    When the robot "bot-1" picks "Wizard w/ crystal"
    And the robot "bot-1" finds no "Dragon figurine" in the store
    And the robot "bot-1" is told to return
    And the robot "bot-1" is back at the depot
    Then my order is ready
    And the order lists "Dragon figurine" as unavailable and does not charge it
    And the order total is 9.99
    And I am invoiced 9.99

  Scenario: Paying again at the depot pays once
    # A retried payment at the counter must neither fail nor charge twice.
    Given I have a basket with
      | Name       | Quantity |
      | The Hobbit | 1        |
    And I check out the basket
    And my order is approved
    And a robot called "bot-1" has shopped my order
    And I have paid the invoice
    When I pay the invoice
    Then the request succeeds
    And the invoice is paid
    And my order is completed

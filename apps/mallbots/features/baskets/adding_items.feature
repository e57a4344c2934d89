Feature: Adding items
  As a customer with a basket
  I add products from the stores of the mall and take them out again

  Background:
    Given I am a registered customer
    And the store "Nic & Naks" sells the following products
      | Name              | Price |
      | Wizard w/ crystal | 9.99  |
      | Dragon figurine   | 14.50 |
    And I start a new basket

  Scenario: Adding items
    When I add the items
      | Name              | Quantity |
      | Wizard w/ crystal | 10       |
      | Dragon figurine   | 1        |
    Then the basket holds
      | Name              | Store      | Price | Quantity |
      | Wizard w/ crystal | Nic & Naks | 9.99  | 10       |
      | Dragon figurine   | Nic & Naks | 14.50 | 1        |
    And the basket total is 114.40

  Scenario: Adding the same product again adds up
    When I add 2 of "Wizard w/ crystal" to the basket
    And I add 3 of "Wizard w/ crystal" to the basket
    Then the basket holds
      | Name              | Store      | Price | Quantity |
      | Wizard w/ crystal | Nic & Naks | 9.99  | 5        |

  Scenario: Cannot add items that do not exist
    When I add the items
      | Name               | Quantity |
      | Unicorn w/ rainbow | 1        |
    Then I receive a 404 error with code "product_not_found"
    And the basket is empty

  Scenario: Cannot add nothing
    When I add 0 of "Wizard w/ crystal" to the basket
    Then I receive a 400 error with code "item_quantity_not_positive"
    And the error names the field "body.quantity"

  Scenario: Taking some out
    Given I add 3 of "Wizard w/ crystal" to the basket
    When I take 1 of "Wizard w/ crystal" out of the basket
    Then the basket holds
      | Name              | Store      | Price | Quantity |
      | Wizard w/ crystal | Nic & Naks | 9.99  | 2        |
    And the basket total is 19.98

  Scenario: Taking all of an item out
    Given I add 3 of "Wizard w/ crystal" to the basket
    When I take 3 of "Wizard w/ crystal" out of the basket
    Then the basket is empty
    And the basket total is 0

Feature: Processing orders
  As the mall
  I see every order through from approval to pickup,
  and stop the robots shopping an order that is canceled

  Background:
    Given I am a registered customer
    And the store "Nic & Naks" takes part in automated shopping
    And the store "Nic & Naks" sells the following products
      | Name              | Price |
      | Wizard w/ crystal | 9.99  |
      | Dragon figurine   | 14.50 |

  Scenario: A robot shopping a canceled order is recalled
    Given I have an approved order for
      | Name              | Quantity |
      | Wizard w/ crystal | 1        |
      | Dragon figurine   | 1        |
    And a robot called "bot-1" connects
    And the robot "bot-1" is told to shop my order
    And the robot "bot-1" picks "Wizard w/ crystal"
    When I cancel my order
    Then the request succeeds
    And the robot "bot-1" is recalled
    And its shopping list is canceled
    And the payment is voided
    When the robot "bot-1" is back at the depot
    Then the robot "bot-1" is told to wait
    And my order stays canceled

  Scenario: Too late to cancel once the order is ready
    Given I have an approved order for
      | Name              | Quantity |
      | Wizard w/ crystal | 1        |
    And a robot called "bot-1" has shopped my order
    When I cancel my order
    Then I receive a 409 error with code "order_not_cancelable"
    And my order stays ready
    And I am invoiced 9.99

  Scenario: Too late to cancel once the order is picked up
    Given I have an approved order for
      | Name              | Quantity |
      | Wizard w/ crystal | 1        |
    And a robot called "bot-1" has shopped my order
    And I have paid the invoice
    And my order is completed
    When I cancel my order
    Then I receive a 409 error with code "order_not_cancelable"
    And my order stays completed

  Scenario: The depot staff cancel a ready order nobody picks up
    Given I have an approved order for
      | Name            | Quantity |
      | Dragon figurine | 1        |
    And a robot called "bot-1" has shopped my order
    When the depot staff cancel my order because "not picked up within a week"
    Then the request succeeds
    And my order was canceled by the depot staff because "not picked up within a week"
    And the invoice is canceled
    And the payment is voided
    When I pay the invoice
    Then I receive a 409 error with code "invoice_not_payable"
    And the error says "invoice cannot be paid for"
    And my order stays canceled

  Scenario: The depot staff cannot cancel a completed order
    Given I have an approved order for
      | Name            | Quantity |
      | Dragon figurine | 1        |
    And a robot called "bot-1" has shopped my order
    And I have paid the invoice
    And my order is completed
    When the depot staff cancel my order because "changed their mind"
    Then I receive a 409 error with code "order_not_cancelable"
    And my order stays completed

Feature: Canceling orders
  As a customer
  I can change my mind until my order is ready for pickup
  And the depot staff can cancel an order, saying why

  Background:
    Given I am a registered customer
    And the store "Nic & Naks" takes part in automated shopping
    And the store "Nic & Naks" sells the following products
      | Name              | Price |
      | Wizard w/ crystal | 9.99  |
      | Dragon figurine   | 14.50 |

  Scenario: Canceling an approved order
    Given I have an approved order for
      | Name              | Quantity |
      | Wizard w/ crystal | 2        |
    When I cancel my order
    Then the request succeeds
    And my order was canceled by me
    And its shopping list is canceled
    And the payment is voided

  Scenario: Nobody else cancels my order
    Given I have an approved order for
      | Name              | Quantity |
      | Wizard w/ crystal | 1        |
    And "Eve" is a registered customer
    When "Eve" tries to cancel my order
    Then I receive a 403 error with code "not_yours"
    When I try to cancel my order as the depot staff do
    Then I receive a 403 error with code "forbidden"

  Scenario: Canceling right after checking out, while the order may still be pending
    Given I have a basket with
      | Name            | Quantity |
      | Dragon figurine | 1        |
    And I check out the basket
    When I cancel my order
    Then the request succeeds
    And my order was canceled by me
    And the payment is not taken

  Scenario: An order is canceled once
    Given I have an approved order for
      | Name              | Quantity |
      | Wizard w/ crystal | 1        |
    And I cancel my order
    When I cancel my order
    Then I receive a 409 error with code "order_not_cancelable"
    And my order was canceled by me

  Scenario: A rejected order cannot be canceled
    Given I have a basket with
      | Name              | Quantity |
      | Wizard w/ crystal | 1        |
    And I authorize a payment of 1.00
    And I check out the basket with that payment
    And my order is rejected with the reason "payment cannot be confirmed: the order's total 9.99 differs from the authorized amount 1.00"
    When I cancel my order
    Then I receive a 409 error with code "order_not_cancelable"
    And my order stays rejected

  Scenario: Only orders that exist can be canceled
    When I cancel an order that does not exist
    Then I receive a 404 error with code "order_not_found"

  Scenario: The depot staff cancel an approved order
    Given I have an approved order for
      | Name            | Quantity |
      | Dragon figurine | 2        |
    When the depot staff cancel my order because "the store closed early"
    Then the request succeeds
    And my order was canceled by the depot staff because "the store closed early"
    And its shopping list is canceled
    And the payment is voided

  Scenario: The depot staff say why they cancel
    Given I have an approved order for
      | Name            | Quantity |
      | Dragon figurine | 1        |
    When the depot staff cancel my order because " "
    Then I receive a 400 error with code "invalid_request"
    And the error names the field "body.reason"
    And my order stays approved

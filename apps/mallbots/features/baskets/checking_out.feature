Feature: Checking out baskets
  As a customer at the kiosk
  I swipe my card for the basket's total and check the basket out
  So that the mall's robots shop my order

  Background:
    Given I am a registered customer
    And the store "Nic & Naks" takes part in automated shopping
    And the store "Nic & Naks" sells the following products
      | Name              | Price |
      | Wizard w/ crystal | 9.99  |
      | Dragon figurine   | 14.50 |
    And I have a basket with
      | Name              | Quantity |
      | Wizard w/ crystal | 2        |
      | Dragon figurine   | 1        |

  Scenario: Checking out with a payment for the total
    Given I authorize a payment for the basket total
    When I check out the basket with that payment
    Then the request succeeds
    And the basket is checked out
    And my order is approved
    And the order holds
      | Name              | Price | Quantity |
      | Wizard w/ crystal | 9.99  | 2        |
      | Dragon figurine   | 14.50 | 1        |
    And the order total is 34.48
    And the payment is confirmed
    And its shopping list is available
    And its shopping list sends a robot to
      | Store      | Name              | Quantity |
      | Nic & Naks | Wizard w/ crystal | 2        |
      | Nic & Naks | Dragon figurine   | 1        |

  Scenario: An empty basket cannot be checked out
    Given I start a new basket
    And I authorize a payment of 1.00
    When I check out the basket with that payment
    Then I receive a 409 error with code "basket_empty"
    And the basket is open
    And no order is made

  Scenario: A basket is checked out with a payment
    When I check out the basket without a payment
    Then I receive a 400 error with code "payment_id_blank"
    And the error names the field "body.paymentId"
    And the basket is open

  Scenario: A basket is checked out once
    Given I check out the basket
    When I check out the basket
    Then I receive a 409 error with code "basket_not_open"

  Scenario: A payment that was never authorized
    When I check out the basket with a payment that was never authorized
    Then the request succeeds
    And my order is rejected with the reason "payment cannot be confirmed: no payment with that ID"

  Scenario: A payment for another amount
    Given I authorize a payment of 30.00
    When I check out the basket with that payment
    Then my order is rejected with the reason "payment cannot be confirmed: the order's total 34.48 differs from the authorized amount 30.00"
    And the payment is not confirmed
    And the shopping list made for my order is canceled

  Scenario: A payment authorized for another customer
    Given "Somebody Else" is a registered customer
    And "Somebody Else" authorizes a payment for the basket total
    When I check out the basket with that payment
    Then my order is rejected with the reason "payment cannot be confirmed: it was authorized for another customer"
    And the payment is not confirmed

  Scenario: A disabled customer cannot order
    Given I authorize a payment for the basket total
    And my customer account is disabled
    When I check out the basket with that payment
    Then my order is rejected with the reason "customer is not authorized"
    And the payment is not confirmed

  Scenario: Someone who never registered cannot pay
    When someone who never registered authorizes a payment of 14.50
    Then I receive a 400 error with code "customer_not_registered"
    And the error names the field "body.customerId"

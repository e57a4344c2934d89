Feature: Registering customers
  As a shopper
  I register once with my name and SMS number
  So that I can order at the kiosk and be told when my order is ready

  Scenario: Registering
    When I register as "John Smith" with the SMS number "+1 555-123 4567"
    Then the request succeeds
    And the customer "John Smith" is registered with the SMS number "+15551234567"
    And the customer "John Smith" is enabled

  Scenario: A customer needs a name
    When I register as "  " with the SMS number "+15551234567"
    Then I receive a 400 error with code "customer_name_blank"
    And the error says "the customer name cannot be blank"
    And the error names the field "body.name"

  Scenario: The SMS number must be one a message can reach
    When I register as "John Smith" with the SMS number "call me"
    Then I receive a 400 error with code "customer_sms_number_invalid"
    And the error names the field "body.smsNumber"

  Scenario: A customer logs in and sees their own record, and no one else's
    Given "Jane Doe" is a registered customer
    And "John Smith" is a registered customer
    When I act as the customer "John Smith"
    And I look up the customer "John Smith"
    Then the request succeeds
    When I look up the customer "Jane Doe"
    Then I receive a 403 error with code "not_yours"

  Scenario: Someone who has not logged in reads no customer
    Given "Jane Doe" is a registered customer
    When I act as someone who has not logged in
    And I look up the customer "Jane Doe"
    Then I receive a 401 error with code "unauthenticated"

  Scenario: A customer does not disable themselves
    Given "Jane Doe" is a registered customer
    When I act as the customer "Jane Doe"
    And I disable the customer "Jane Doe"
    Then I receive a 403 error with code "forbidden"

  Scenario: A username is one customer's
    Given "Jane Doe" is a registered customer
    When someone registers as "Jane Twin" with the username of "Jane Doe"
    Then I receive a 409 error with code "username_taken"
    And the error names the field "body.username"

  Scenario: Nobody is found who never registered
    When I look up a customer who never registered
    Then I receive a 404 error with code "customer_not_found"

  Scenario: Disabling a customer
    Given "Jane Doe" is a registered customer
    When I disable the customer "Jane Doe"
    Then the request succeeds
    And the customer "Jane Doe" is disabled

  Scenario: Enabling a disabled customer again
    Given "Jane Doe" is a registered customer
    And the customer "Jane Doe" has been disabled
    When I enable the customer "Jane Doe"
    Then the request succeeds
    And the customer "Jane Doe" is enabled

  Scenario: Disabling twice is refused
    Given "Jane Doe" is a registered customer
    And the customer "Jane Doe" has been disabled
    When I disable the customer "Jane Doe"
    Then I receive a 409 error with code "customer_already_disabled"

  Scenario: Changing the SMS number
    Given "Jane Doe" is a registered customer
    When I change the SMS number of "Jane Doe" to "+44 20-7946-0958"
    Then the request succeeds
    And the customer "Jane Doe" is registered with the SMS number "+442079460958"

  Scenario: A new SMS number is checked too
    Given "Jane Doe" is a registered customer
    When I change the SMS number of "Jane Doe" to "12"
    Then I receive a 400 error with code "customer_sms_number_invalid"
    And the error names the field "body.smsNumber"
    And the customer "Jane Doe" is registered with the SMS number "+15550100001"

Feature: Subscriptions: leads who become customers, and the campaigns marketing sends them
  Someone new to the app is a lead; once they select a subscription they convert into a customer, and other
  systems can ask whether a customer's subscription is active (the open host service). Marketing launches
  campaigns in its own words; subscriptions translates them into its own, and refuses what it cannot read.

  Scenario: A lead becomes a customer by selecting a subscription
    Given Ada signs up with the email "ada@example.com"
    When Ada selects the premium subscription
    Then Ada is a customer with the premium subscription
    And another service asking whether Ada's subscription is active hears IsActive true

  Scenario: A lead who selects no known subscription stays a lead
    Given Bob signs up with the email "bob@example.com"
    When Bob selects the gold subscription
    Then the answer is a bad request with the code "unknown_subscription_type"
    And the answer is a bad request naming "body.subscriptionType"
    And Bob is still a lead

  Scenario: A marketing campaign reaches subscriptions in subscriptions' own words
    When a marketer launches the campaign "4cdd4ba9-7c04-4a3d-ac52-71f37ba75d7f" named "some campaign" for "growth" ending "2023-04-12"
    Then subscriptions lists the campaign "4cdd4ba9-7c04-4a3d-ac52-71f37ba75d7f" titled "some campaign" with the goal "growth", ending 2023-04-12

  Scenario: A campaign whose end date cannot be read is refused, and the operator sees why
    When a marketer launches the campaign "summer-sale" named "summer sale" for "growth" ending "12/04/2023"
    Then the operator finds the campaign "summer-sale" among the dead letters, refused because "endDate was not in a parsable format"
    And subscriptions does not list the campaign "summer-sale"

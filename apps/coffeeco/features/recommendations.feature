Feature: Trip recommendations from a flaky hotel partner
  CoffeeCo recommends a coffee lover the cheapest hotel for a trip within a budget. It asks a hotel partner
  that is not ours and fails one call in five; CoffeeCo tries again, so the recommendation still comes.

  Scenario: A recommendation comes although the partner fails some of its calls
    When a coffee lover asks 10 times for a hotel in London from 2023-01-01 to 2023-01-04 within a budget of 250.00 US dollars
    Then every answer recommends "some other hotel" for 90.00 US dollars

  Scenario: The cheapest hotel, priced for the nights of the trip (two, across the change of clocks)
    When a coffee lover asks for a hotel in Lisbon from 2023-03-25 to 2023-03-27 within a budget of 170.00 US dollars
    Then every answer recommends "some other hotel" for 60.00 US dollars
    When a coffee lover asks for a hotel in Lisbon from 2023-03-25 to 2023-03-27 within a budget of 59.99 US dollars
    Then CoffeeCo says no trip fits the budget

  Scenario: Nothing within the budget
    When a coffee lover asks for a hotel in Oslo from 2023-06-01 to 2023-06-08 within a budget of 10.00 US dollars
    Then CoffeeCo says no trip fits the budget

  Scenario: A date CoffeeCo cannot read
    When a coffee lover asks for a hotel in London from 2023-1-1 to 2023-01-04 within a budget of 250.00 US dollars
    Then the answer is a bad request naming "querystring.from"

Feature: The hotel partner, as CoffeeCo finds it
  The partner CoffeeCo's trip recommendations ask is not ours: it answers in its own words, and it fails a
  share of its calls, as the book's partner does (one in five unless set otherwise).

  Scenario: The partner lists its hotels in its own words
    When the partner is asked for hotels in London from 2023-01-01 to 2023-01-04 until it answers
    Then it lists "some other hotel" at 30 US dollars a night

  Scenario: The partner refuses a date it cannot read
    When the partner is asked for hotels in London from 2023-1-1 to 2023-01-04
    Then the answer is a bad request naming "querystring.from"

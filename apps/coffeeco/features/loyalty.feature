Feature: The CoffeeBux card, as coffee lovers and staff read it
  A coffee lover's CoffeeBux cards are theirs to read, one per store where they bought a drink; baristas and
  store managers read anyone's, saying whose. How a card fills up, a stamp per drink bought, is the feature of
  a loyal customer's tenth coffee, with the coffee shops.

  Scenario: A coffee lover who bought nothing yet has no card
    Given a coffee lover who has bought nothing yet
    When they look at their CoffeeBux cards
    Then they have no CoffeeBux card yet

  Scenario: Staff say whose cards they read
    When a barista asks for CoffeeBux cards without saying whose
    Then the answer is a bad request naming "coffeeLoverId"

  Scenario: A coffee lover reads only their own cards
    Given a coffee lover who has bought nothing yet
    When they ask for the CoffeeBux cards of another coffee lover
    Then they are refused, the cards not being theirs

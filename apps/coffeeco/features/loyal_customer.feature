Feature: A loyal customer's tenth coffee
  Every drink a coffee lover pays for with money stamps their CoffeeBux card at that store; the tenth stamp earns
  a free drink, which pays for a later drink. Drinks paid with CoffeeBux earn no stamp.

  Background:
    Given a store that sells "Latte" at USD 3.30 and "Beans" at USD 33.00
    And a coffee lover who registered

  Scenario: Ten coffees earn a free one, which pays for the next
    When they buy "Latte" paid by card "tok_visa" 10 times
    Then their CoffeeBux card at the store holds 1 free drink, 10 drinks to go
    When they buy "Latte" paid with CoffeeBux
    Then the purchase is completed with a total of USD 0.00
    And their CoffeeBux card at the store holds 0 free drinks, 10 drinks to go

  Scenario: Nine coffees are not yet enough
    When they buy "Latte" paid by card "tok_visa" 9 times
    Then their CoffeeBux card at the store holds 0 free drinks, 1 drink to go
    When they buy "Latte" paid with CoffeeBux
    Then the sale is refused with "failed to charge loyalty card: not enough coffeeBux to cover entire purchase. Have 0, need 1" (coffeebux_refused)
    And the purchase has failed

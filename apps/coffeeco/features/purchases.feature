Feature: Buying coffee, paid once
  A till records each sale under an id it makes for it, at the store's prices and with the store's discount.
  A card is charged once: a declined card charges nothing and the purchase fails, and a till that submits the
  same sale again is answered the same, not charged twice.

  Background:
    Given a store that sells "Latte" at USD 3.30 and "Beans" at USD 33.00

  Scenario: Buying with a card
    When the till sells "Latte" and "Beans" paid by card "tok_visa"
    Then the purchase is completed with a total of USD 36.30
    And the card provider charged USD 36.30 for it, once

  Scenario: Buying with cash
    When the till sells "Latte" paid in cash
    Then the purchase is completed with a total of USD 3.30
    And the card provider charged nothing for it

  Scenario: A declined card
    When the till sells "Latte" paid by card "tok_chargeDeclined"
    Then the sale is refused with "card charge failed, cancelling purchase" (card_declined)
    And the purchase has failed
    And the card provider charged nothing for it

  Scenario: A store discount
    Given the store gives 10 percent off
    When the till sells "Beans" paid by card "tok_visa"
    Then the purchase is completed with a total of USD 29.70
    And the card provider charged USD 29.70 for it, once

  Scenario: A repeated till submission charges once
    When the till sells "Beans" paid by card "tok_visa"
    And the till submits the same sale again
    Then both answers are the same completed purchase
    And the card provider charged USD 33.00 for it, once

  Scenario: A coffee lover buys for themselves
    Given a coffee lover who registered
    When they buy "Latte" paid by card "tok_visa"
    Then their purchases list it, completed at USD 3.30

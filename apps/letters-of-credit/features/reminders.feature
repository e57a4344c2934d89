Feature: Reminders to decide
  As a trade finance manager
  I am reminded of a submitted application nobody has decided: on day 10 and on day 20 after its submission,
  and on day 30 it is past due
  So that no importer waits for ever

  (A day lasts a fraction of a second in these scenarios, so that the reminders can be watched.)

  Background:
    Given I am an importer

  Scenario: Reminders on day 10 and day 20, past due on day 30
    Given I have submitted an application called "Vibranium shipment" for USD 250,000.00
    When nobody decides it
    Then a first reminder is sent on day 10
    And a second reminder on day 20
    And on day 30 it is past due, after two reminders
    And it still waits for a decision

  Scenario: No reminder comes once an application is decided
    Given I have submitted these applications, each for USD 250,000.00
      | Application        |
      | Vibranium shipment |
      | Spare parts        |
      | Arc reactors       |
      | Shield paint       |
    When a trade finance manager approves "Vibranium shipment"
    And a trade finance manager declines "Spare parts"
    And I cancel "Arc reactors"
    And nobody decides "Shield paint" until it is past due, on day 30
    Then no reminder came for "Vibranium shipment", "Spare parts" or "Arc reactors" after their decisions, and none is past due

Feature: Canceling an LC application
  As an importer
  I withdraw my application while it is a draft or waits for a decision
  And trade finance may cancel a submitted one; a decided application is final

  Background:
    Given I am an importer

  Scenario: Canceling a draft
    Given I have started a draft called "Vibranium shipment"
    When I cancel my application
    Then my application is canceled
    And what I can do with it now is: nothing
    When I set the amount of my draft to USD 1,000.00
    Then it is refused because it was canceled

  Scenario: Canceling a submitted application
    Given I have submitted an application called "Vibranium shipment" for USD 25,000.00
    When I cancel my application
    Then my application is canceled
    When a trade finance manager approves my application
    Then it is refused because it was canceled

  Scenario: Trade finance cancels a submitted application
    Given I have submitted an application called "Vibranium shipment" for USD 25,000.00
    When a trade finance manager cancels my application
    Then my application is canceled

  Scenario: Trade finance does not cancel an importer's draft
    Given I have started a draft called "Vibranium shipment"
    When a trade finance manager cancels my application
    Then it is refused because it is not submitted
    And my draft is still a draft

  Scenario: An application is canceled once
    Given I have started a draft called "Vibranium shipment"
    And I have canceled my application
    When I cancel my application
    Then it is refused because it was canceled

  Scenario Outline: A decided application cannot be canceled
    Given I have submitted an application called "Vibranium shipment" for USD 25,000.00
    And a trade finance manager has <decided> my application
    When I cancel my application
    Then it is refused because it was already decided
    And my application is <decided>

    Examples:
      | decided  |
      | approved |
      | declined |

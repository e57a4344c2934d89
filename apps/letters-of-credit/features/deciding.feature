Feature: Deciding an LC application
  As a trade finance manager
  I approve or decline the submitted applications the bank did not approve on its own
  So that importers get their letters of credit, or know why not

  Background:
    Given I am an importer
    And I have submitted an application called "Vibranium shipment" for USD 250,000.00

  Scenario: Trade finance approves an application
    When a trade finance manager approves my application
    Then my application is approved
    And what I can do with it now is: nothing
    And what trade finance can do with it now is: nothing

  Scenario: Trade finance declines an application
    When a trade finance manager declines my application because "the collateral does not cover it"
    Then my application is declined
    And what I can do with it now is: nothing

  Scenario: A decision is final
    Given a trade finance manager has declined my application
    When a trade finance manager approves my application
    Then it is refused because it is not submitted
    And my application is declined

  Scenario: Only trade finance decides
    When I try to approve my own application
    Then it is refused because only trade finance decides
    When I try to decline my own application
    Then it is refused because only trade finance decides
    And my application is submitted

  Scenario: A draft is not decided
    Given I have started a draft called "Spare parts"
    When a trade finance manager approves my application
    Then it is refused because it is not submitted
    And my draft is still a draft

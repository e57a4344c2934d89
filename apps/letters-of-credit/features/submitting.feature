Feature: Submitting an LC application
  As an importer
  I submit my draft once it has an amount and merchandise
  So that the bank checks it and trade finance decides; after that, it no longer changes

  Background:
    Given I am an importer
    And I have started a draft called "Vibranium shipment"

  Scenario: Submitting a complete draft
    Given I have set the amount of my draft to USD 25,000.00
    And I have described the merchandise of my draft
      | Product       | Quantity |
      | Vibranium ore | 10       |
    And what I can do with it now is: change it, submit it, cancel it
    When I submit my application
    Then my application is submitted
    And what I can do with it now is: cancel it
    And what trade finance can do with it now is: approve it, decline it, cancel it

  Scenario: An application without an amount cannot be submitted
    Given I have described the merchandise of my draft
      | Product       | Quantity |
      | Vibranium ore | 10       |
    When I submit my application
    Then it is refused because it has no amount
    And my draft is still a draft

  Scenario: An application without merchandise cannot be submitted
    Given I have set the amount of my draft to USD 25,000.00
    When I submit my application
    Then it is refused because it has no merchandise
    And my draft is still a draft

  Scenario: An empty draft lacks its amount first
    When I submit my application
    Then it is refused because it has no amount

  Scenario: An application is submitted once
    Given I have submitted my application
    When I submit my application
    Then it is refused because it was already submitted
    And my application is submitted

  Scenario Outline: A submitted application no longer changes
    Given I have submitted my application
    When I try to change the <part> of my application
    Then it is refused because it was already submitted

    Examples:
      | part          |
      | applicant     |
      | beneficiary   |
      | advising bank |
      | amount        |
      | merchandise   |
      | documents     |
      | conditions    |
      | expiry date   |

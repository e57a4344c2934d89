@pending-partners
Feature: The checks of a submitted application
  As the bank
  I check each submitted application's product value, product legality and applicant credit
  So that a rejected check leaves the application to a trade finance manager, who sees why

  Background:
    Given I am an importer registered with the bank, with a credit line of USD 100,000.00
    And the product "Vibranium ore" is registered as "raw materials" at USD 1,000.00 a unit
    And the product "Kree stims" is registered as "narcotics" at USD 10.00 a unit

  Scenario: A value far above the merchandise's worth is rejected
    Given I have started a draft called "Overpriced ore"
    And I have set the amount of my draft to USD 9,000.00
    And I have described the merchandise of my draft
      | Product       | Quantity |
      | Vibranium ore | 1        |
    When I submit my application
    Then the product's value is found unacceptable
    And my application waits for trade finance
    When a trade finance manager declines my application because "over-invoiced"
    Then my application is declined

  Scenario: Drug imports are rejected
    Given I have started a draft called "Stims"
    And I have set the amount of my draft to USD 100.00
    And I have described the merchandise of my draft
      | Product    | Quantity |
      | Kree stims | 10       |
    When I submit my application
    Then the product is found illegal, because it is in the category "narcotics"
    And my application waits for trade finance

  Scenario: An applicant whose credit line does not cover the amount is rejected
    Given I am an importer registered with the bank, with a credit line of USD 5,000.00
    And I have started a draft called "Vibranium sample"
    And I have set the amount of my draft to USD 6,000.00
    And I have described the merchandise of my draft
      | Product       | Quantity |
      | Vibranium ore | 6        |
    When I submit my application
    Then my credit is found insufficient
    And my application waits for trade finance
    When a trade finance manager approves my application
    Then my application is approved

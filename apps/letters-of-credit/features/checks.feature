Feature: The checks of a submitted application
  As the bank
  I check each submitted application's product value, product legality and applicant credit, by rules
  So that an application a check rejects waits for a trade finance manager, whatever its amount

  Background:
    Given the product "Vibranium ore" is registered as "raw materials" at USD 1,000.00 a unit
    And the product "Kree stims" is registered as "narcotics" at USD 10.00 a unit

  Scenario: An amount well above what the merchandise is worth is rejected
    Given I am an importer registered with the bank, with a credit line of USD 100,000.00
    And I have started a draft called "Overpriced ore"
    And I have set the amount of my draft to USD 9,000.00
    And I have described the merchandise of my draft
      | Product       | Quantity |
      | Vibranium ore | 1        |
    When I submit my application
    Then the product's value is found unacceptable: "the amount USD 9,000.00 is more than 10% over the merchandise's value at reference prices, USD 1,000.00"
    And my application waits for trade finance
    When a trade finance manager declines my application because "over-invoiced"
    Then my application is declined

  Scenario: Drug imports are prohibited
    Given I am an importer registered with the bank, with a credit line of USD 100,000.00
    And I have started a draft called "Stims"
    And I have set the amount of my draft to USD 100.00
    And I have described the merchandise of my draft
      | Product    | Quantity |
      | Kree stims | 10       |
    When I submit my application
    Then the product is found illegal: "Kree stims is narcotics, whose import is prohibited"
    And my application waits for trade finance

  Scenario: A product the bank has not registered is not found legal
    Given I am an importer registered with the bank, with a credit line of USD 100,000.00
    And I have started a draft called "Mystery crates"
    And I have set the amount of my draft to USD 500.00
    And I have described the merchandise of my draft
      | Product        | Quantity |
      | Mystery crates | 5        |
    When I submit my application
    Then the product is found illegal: "not in the product register"
    And my application waits for trade finance

  Scenario: A credit line of no more than 80% of the amount is not enough
    Given I am an importer registered with the bank, with a credit line of USD 4,800.00
    And I have started a draft called "Vibranium sample"
    And I have set the amount of my draft to USD 6,000.00
    And I have described the merchandise of my draft
      | Product       | Quantity |
      | Vibranium ore | 6        |
    When I submit my application
    Then my credit is found insufficient: "the credit line USD 4,800.00 is not greater than 80% of the LC amount USD 6,000.00"
    And my application waits for trade finance
    When a trade finance manager approves my application
    Then my application is approved

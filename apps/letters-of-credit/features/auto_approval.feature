Feature: Approval without a person
  As the bank
  I approve on my own an application of at most USD 10,000 whose three checks are favourable: the product's
  value and its legality (Compliance) and the applicant's credit (Customer Onboarding)
  So that trade finance decides only the applications that need a person

  Background:
    Given I am an importer registered with the bank, with a credit line of USD 100,000.00
    And the product "Vibranium ore" is registered as "raw materials" at USD 1,000.00 a unit

  Scenario: An application of USD 10,000 with favourable checks is approved on its own
    Given I have started a draft called "Vibranium sample"
    And I have set the amount of my draft to USD 10,000.00
    And I have described the merchandise of my draft
      | Product       | Quantity |
      | Vibranium ore | 10       |
    When I submit my application
    Then the product's value is found acceptable
    And the product is found legal
    And my credit is found sufficient
    And my application is approved, with no one from trade finance involved
    And a letter of credit is issued for my application, with a number of its own

  Scenario: Above USD 10,000 a person decides, however favourable the checks
    Given I have started a draft called "Vibranium shipment"
    And I have set the amount of my draft to USD 10,000.01
    And I have described the merchandise of my draft
      | Product       | Quantity |
      | Vibranium ore | 11       |
    When I submit my application
    Then the product's value is found acceptable
    And the product is found legal
    And my credit is found sufficient
    But my application waits for trade finance
    When a trade finance manager approves my application
    Then my application is approved

Feature: Issuing the letter of credit
  As an importer
  I get a letter of credit, with its own number, for each application the bank approves
  So that my exporter can be paid against the documents

  Background:
    Given I am an importer

  Scenario: An approved application is issued as an LC
    Given I have submitted an application called "Vibranium shipment" for USD 250,000.00
    When a trade finance manager approves my application
    Then a letter of credit is issued for my application, with a number of its own
    And the letter of credit is for USD 250,000.00

  Scenario: Each approved application gets its own LC
    Given I have submitted these applications, each for USD 250,000.00
      | Application        |
      | Vibranium shipment |
      | Spare parts        |
    When a trade finance manager approves "Vibranium shipment"
    And a trade finance manager approves "Spare parts"
    Then each has a letter of credit, with different numbers

  Scenario: A declined application is not issued
    Given I have submitted an application called "Vibranium shipment" for USD 250,000.00
    And I have submitted an application called "Spare parts" for USD 250,000.00
    When a trade finance manager declines "Vibranium shipment"
    And a trade finance manager approves "Spare parts"
    Then a letter of credit is issued for "Spare parts"
    But no letter of credit is issued for "Vibranium shipment"

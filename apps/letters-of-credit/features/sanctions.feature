Feature: No trade with sanctioned countries
  As the bank
  I issue no letter of credit in favour of an exporter in a country under sanctions
  So that we obey the regulations; the bank's sanctions officers keep the list of sanctioned countries

  Background:
    Given I am an importer
    And Sokovia (XS) is under sanctions

  Scenario: Naming the beneficiary
    Given I have started a draft called "Vibranium shipment"
    When I name the beneficiary of my draft
      | Name    | Wakanda Vibranium Exports |
      | Street  | 1 Palace Road             |
      | City    | Birnin Zana               |
      | Country | XW                        |
    Then my draft names the beneficiary "Wakanda Vibranium Exports" at "1 Palace Road, Birnin Zana, XW"

  Scenario: A beneficiary in a sanctioned country is refused
    Given I have started a draft called "Sokovian steel"
    When I name the beneficiary of my draft
      | Name    | Novi Grad Steelworks |
      | Street  | 5 Foundry Street     |
      | City    | Novi Grad            |
      | Country | XS                   |
    Then it is refused because import from that country is prohibited
    And my draft names no beneficiary

  Scenario: A country sanctioned after the beneficiary was named stops the submission
    Given I have started a draft called "Latverian clocks"
    And I have set the amount of my draft to USD 25,000.00
    And I have described the merchandise of my draft
      | Product        | Quantity |
      | Doombot spares | 3        |
    And I have named the beneficiary of my draft
      | Name    | Doomstadt Clockworks |
      | Street  | 1 Castle Road        |
      | City    | Doomstadt            |
      | Country | XL                   |
    And Latveria (XL) comes under sanctions
    When I submit my application
    Then it is refused because import from that country is prohibited
    And my draft is still a draft

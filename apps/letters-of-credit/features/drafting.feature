Feature: Drafting an LC application
  As an importer
  I draft my application for a letter of credit part by part, at my own pace
  So that it is complete when I submit it

  Background:
    Given I am an importer

  Scenario: Starting a draft
    When I start a draft called "Vibranium shipment"
    Then my draft "Vibranium shipment" is a draft of mine
    And what I can do with it now is: change it, cancel it
    And it has no amount and no merchandise yet

  Scenario: A client reference has at least four characters
    When I start a draft called "LC1"
    Then it is refused because the client reference is too short

  Scenario: Naming the applicant, at an address the postal service knows
    Given I have started a draft called "Arc reactors"
    When I name the applicant of my draft
      | Name        | Stark Industries   |
      | Street      | 10880 Malibu Point |
      | City        | Malibu             |
      | Region      | CA                 |
      | Postal code | 90265              |
      | Country     | US                 |
    Then my draft names the applicant "Stark Industries" at "10880 MALIBU POINT, MALIBU, CA 90265-0001, US"

  Scenario: An applicant's address the postal service does not know is refused
    Given I have started a draft called "Arc reactors"
    When I name the applicant of my draft
      | Name        | Stark Industries |
      | Street      | 1 Nowhere Lane   |
      | City        | Malibu           |
      | Region      | CA               |
      | Postal code | 90265            |
      | Country     | US               |
    Then it is refused because the address could not be verified
    And my draft names no applicant

  Scenario: Naming the advising bank
    Given I have started a draft called "Vibranium shipment"
    When I name the advising bank of my draft
      | SWIFT code | WAKBXWXX        |
      | Name       | Bank of Wakanda |
      | Country    | XW              |
    Then my draft is advised by "Bank of Wakanda" (WAKBXWXX) in XW

  Scenario: Setting the amount
    Given I have started a draft called "Vibranium shipment"
    When I set the amount of my draft to USD 25,000.00
    Then my draft is for USD 25,000.00
    When I set the amount of my draft to USD 500,000.00
    Then my draft is for USD 500,000.00

  Scenario Outline: The bank issues LCs in US dollars, up to USD 500,000.00
    Given I have started a draft called "Vibranium shipment"
    And I have set the amount of my draft to USD 1,000.00
    When I set the amount of my draft to <amount>
    Then it is refused because <reason>
    And my draft is for USD 1,000.00

    Examples:
      | amount         | reason                                   |
      | EUR 1,000.00   | LCs are issued only in US dollars        |
      | USD 500,000.01 | an LC may be worth at most USD 500,000.00 |

  Scenario: Describing the merchandise
    Given I have started a draft called "Vibranium shipment"
    When I describe the merchandise of my draft as "Raw vibranium and the tools to work it"
      | Product       | Quantity |
      | Vibranium ore | 10       |
      | Mining drill  | 2        |
    Then my draft's merchandise is "Raw vibranium and the tools to work it"
      | Product       | Quantity |
      | Vibranium ore | 10       |
      | Mining drill  | 2        |

  Scenario: Requiring documents
    Given I have started a draft called "Vibranium shipment"
    When I require these documents of the beneficiary
      | Commercial invoice in triplicate   |
      | Bill of lading to the order of ABC |
      | Certificate of origin              |
    Then my draft requires these documents
      | Commercial invoice in triplicate   |
      | Bill of lading to the order of ABC |
      | Certificate of origin              |

  Scenario: Setting the conditions
    Given I have started a draft called "Vibranium shipment"
    When I set the conditions of my draft
      | Revocable    | no                            |
      | Transferable | yes                           |
      | Payment      | 60 days after sight           |
      | Additional   | Partial shipments not allowed |
    Then my draft's conditions are
      | Revocable    | no                            |
      | Transferable | yes                           |
      | Payment      | 60 days after sight           |
      | Additional   | Partial shipments not allowed |

  Scenario: Setting the expiry date
    Given I have started a draft called "Vibranium shipment"
    When I set my draft to expire 90 days from today
    Then my draft expires 90 days from today

  Scenario: An LC expires after today
    Given I have started a draft called "Vibranium shipment"
    When I set my draft to expire 0 days from today
    Then it is refused because the expiry date is not after today

  Scenario: My drafts are mine alone
    Given I have started a draft called "Vibranium shipment"
    And "Eve" is an importer too
    When "Eve" tries to read my draft
    Then it is refused because it is not theirs
    When "Eve" tries to set the amount of my draft to USD 1.00
    Then it is refused because it is not theirs

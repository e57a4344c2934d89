Feature: Robots
  As a robot of the depot
  I connect to the depot with a credential of my own, am told what to do, and report what I found,
  as myself only, and I can lose my connection without losing the order

  Background:
    Given I am a registered customer
    And the store "Nic & Naks" takes part in automated shopping
    And the store "Nic & Naks" sells the following products
      | Name              | Price |
      | Wizard w/ crystal | 9.99  |
      | Dragon figurine   | 14.50 |

  Scenario: A robot with nothing to shop waits
    When a robot called "bot-1" connects
    Then the robot "bot-1" is told to wait

  Scenario: A waiting robot is given the next order
    Given a robot called "bot-1" connects
    And the robot "bot-1" is told to wait
    When I have an approved order for
      | Name            | Quantity |
      | Dragon figurine | 1        |
    Then the robot "bot-1" is told to shop my order

  Scenario: A robot presents a credential of its own
    When a robot without a credential connects
    Then the robot API refuses it as "UNAUTHENTICATED"

  Scenario: A robot acts only as itself
    Given a robot called "bot-1" connects
    And the robot "bot-1" is told to wait
    When the robot "bot-2" connects as "bot-1"
    Then the robot API refuses it as "PERMISSION_DENIED"
    When I have an approved order for
      | Name            | Quantity |
      | Dragon figurine | 1        |
    Then the robot "bot-1" is told to shop my order
    When the robot "bot-2" reports "Dragon figurine" picked as "bot-1"
    Then the robot API refuses it as "PERMISSION_DENIED"
    When the robot "bot-1" picks every item
    Then the robot "bot-1" is told to return

  Scenario: A robot has a name
    When a robot without a name connects
    Then the robot API refuses it as "INVALID_ARGUMENT"

  Scenario: A robot reports only what is on its list
    Given I have an approved order for
      | Name            | Quantity |
      | Dragon figurine | 1        |
    And a robot called "bot-1" connects
    And the robot "bot-1" is told to shop my order
    When the robot "bot-1" reports an item that is not on its list
    Then the robot API refuses it as "NOT_FOUND"

  Scenario: A robot comes back only when everything is reported
    Given I have an approved order for
      | Name              | Quantity |
      | Wizard w/ crystal | 1        |
      | Dragon figurine   | 1        |
    And a robot called "bot-1" connects
    And the robot "bot-1" is told to shop my order
    And the robot "bot-1" picks "Wizard w/ crystal"
    When the robot "bot-1" reports being back before it has shopped everything
    Then the robot API refuses it as "FAILED_PRECONDITION"
    And my order stays approved

  Scenario: A robot that reconnects resumes its list
    Given I have an approved order for
      | Name              | Quantity |
      | Wizard w/ crystal | 1        |
      | Dragon figurine   | 1        |
    And a robot called "bot-1" connects
    And the robot "bot-1" is told to shop my order
    And the robot "bot-1" picks "Wizard w/ crystal"
    When the robot "bot-1" loses its connection
    And the robot "bot-1" connects again
    Then the robot "bot-1" resumes my order with "Wizard w/ crystal" already picked
    When the robot "bot-1" picks every other item
    And the robot "bot-1" is told to return
    And the robot "bot-1" is back at the depot
    Then my order is ready
    And I am invoiced 24.49

  Scenario: The list of a robot that does not come back goes to another robot
    Given I have an approved order for
      | Name              | Quantity |
      | Wizard w/ crystal | 1        |
      | Dragon figurine   | 1        |
    And a robot called "bot-1" connects
    And the robot "bot-1" is told to shop my order
    And a robot called "bot-2" connects
    And the robot "bot-2" is told to wait
    When the robot "bot-1" loses its connection
    Then the robot "bot-2" is told to shop my order
    When the robot "bot-2" picks every item
    And the robot "bot-2" is told to return
    And the robot "bot-2" is back at the depot
    Then my order is ready
    And I am invoiced 24.49

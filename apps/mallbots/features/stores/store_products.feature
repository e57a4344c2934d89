Feature: Store products
  As a store owner
  I can put products on sale and take them off
  So that the kiosk offers what my store has

  Background:
    Given the store "Nic & Naks" exists

  Scenario: Putting a product on sale
    When I add the product "Wizard w/ crystal" priced 9.98 to the store "Nic & Naks"
    Then the request succeeds
    And the store "Nic & Naks" sells "Wizard w/ crystal" at 9.98

  Scenario: A product needs a name
    When I add the product " " priced 1.00 to the store "Nic & Naks"
    Then I receive a 400 error with code "product_name_blank"
    And the error names the field "body.name"

  Scenario: A product needs a SKU
    When I add the product "Wizard w/ crystal" with the SKU " " and the description "A wizard" to the store "Nic & Naks"
    Then I receive a 400 error with code "product_sku_blank"
    And the error names the field "body.sku"

  Scenario: A product needs a description
    When I add the product "Wizard w/ crystal" with the SKU "WZ-1" and the description "" to the store "Nic & Naks"
    Then I receive a 400 error with code "product_description_blank"
    And the error names the field "body.description"

  Scenario: A price cannot be negative
    When I add the product "Wizard w/ crystal" priced -1.00 to the store "Nic & Naks"
    Then I receive a 400 error with code "product_price_negative"
    And the error names the field "body.price"

  Scenario: A price has whole cents
    When I add the product "Wizard w/ crystal" priced 9.999 to the store "Nic & Naks"
    Then I receive a 400 error with code "invalid_request"
    And the error names the field "body.price"

  Scenario: Products belong to a store that exists
    When I add a product to a store that does not exist
    Then I receive a 404 error with code "store_not_found"

  Scenario: Taking a product off sale
    Given the store "Nic & Naks" sells the following products
      | Name              | Price |
      | Wizard w/ crystal | 9.98  |
      | Dragon figurine   | 14.50 |
    When I remove the product "Wizard w/ crystal"
    Then the request succeeds
    And the store "Nic & Naks" no longer sells "Wizard w/ crystal"
    And the store "Nic & Naks" sells "Dragon figurine" at 14.50

  Scenario: A product can be taken off sale once
    Given the store "Nic & Naks" sells the following products
      | Name              | Price |
      | Wizard w/ crystal | 9.98  |
    And I remove the product "Wizard w/ crystal"
    When I remove the product "Wizard w/ crystal"
    Then I receive a 404 error with code "product_not_found"

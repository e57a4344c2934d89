-- What a till looks up: the stores by location (its list), and a coffee lover by the email address they give.
CREATE INDEX stores_by_location ON coffeeco_coffee_shops.stores (location, id);
CREATE INDEX coffee_lovers_by_email ON coffeeco_coffee_shops.coffee_lovers (email_address, registered_at, id);

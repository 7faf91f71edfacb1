# The shop's English text (Project Fluent syntax: https://projectfluent.org/fluent/guide/).
# Every message here must exist in ../fr/main.ftl too and be used in app/src: the build
# checks both (leptos-fluent's check_translations).

## Header, banners, shared pieces

nav-main = Main
nav-catalog = Catalog
nav-cart = Cart
nav-orders = Orders
nav-board = Orders board
nav-products = Products
nav-users = Users
nav-signed-in-as = Signed in as
nav-account = Account
nav-sign-out = Sign out
nav-sign-in = Sign in
nav-register = Register
language = Language
skip-to-content = Skip to content
banner-orders-down = The catalog, your cart and your orders are unavailable for a moment. You can still sign in; please try again shortly.
banner-auth-down = Signing in is unavailable for a moment; you can still browse the catalog.
loading = Loading…
add-to-cart = Add to cart
sold-out = Sold out
added-to-cart = Added to cart
device-unknown = Unknown device
device-on = { $browser } on { $system }
network-error = The shop cannot be reached. Check your connection and try again.
not-found-title = Page not found
not-found-text = There is nothing here.
back-to-catalog = Back to the catalog
browse-catalog = Browse the catalog
pages = Pages
page-of = Page { $page } of { $pages }
total-label = Total:
quantity = Quantity

## Signing in and creating an account

sign-in = Sign in
signing-in = Signing in…
username = Username
password = Password
new-here = New here?
create-an-account = Create an account
create-account = Create account
creating-account = Creating account…
have-account = Already have an account?
username-hint = 3 to 32 letters, digits, '_', '.' or '-'.
email-optional = E-mail (optional)
password-hint = At least 8 characters.

## Catalog and products

catalog = Catalog
search = Search
search-placeholder = Beans, tea, kettle…
sort-by = Sort by
sort-featured = Featured
sort-name-asc = Name, A to Z
sort-name-desc = Name, Z to A
sort-price-asc = Price, low to high
sort-price-desc = Price, high to low
categories = Categories
category-all = All
no-products-match = No products match.
show-all-products = Show all products
products = Products
product-count =
    { $count ->
        [one] { $count } product
       *[other] { $count } products
    }
previous = ← Previous
next = Next →
in-stock = { $count } in stock

## Cart and checkout

your-cart = Your cart
cart-empty = Your cart is empty.
col-product = Product
col-unit-price = Unit price
col-total = Total
proceed-to-checkout = Proceed to checkout
quantity-of = Quantity of { $name }
remove = Remove
remove-named = Remove { $name }
cart-updated = { $name }: quantity changed. Total: { $total }.
cart-removed = { $name } removed from your cart. Total: { $total }.
checkout = Checkout
payment-successful = Payment successful
order-paid = Order #{ $id } is paid: { $amount }.
follow-order = Follow your order
see-orders = See your orders
payment-declined = Payment declined
payment-declined-text = Your payment was declined and nothing was charged. Your cart is unchanged; you can try again.
payment-unavailable = Payment unavailable
payment-unavailable-text = Payments are not working right now. Nothing was charged and your cart is unchanged; please try again in a minute.
paying = Paying…
try-again = Try again
pay-now = Pay now

## Orders

your-orders = Your orders
no-orders = No orders yet.
newer = ← Newer
older = Older →
order-number = Order #{ $id }
all-your-orders = All your orders
status-label = Status:
timeline = Timeline
progress = Progress
cancel-order = Cancel order
status-pending = Payment in progress
status-paid = Paid
status-payment_failed = Payment declined
status-preparing = Preparing
status-shipped = Shipped
status-delivered = Delivered
status-cancelled = Cancelled

## Account

your-account = Your account
profile = Profile
email = E-mail
role = Role
role-admin = Admin
role-customer = Customer
member-since = Member since
change-password = Change password
current-password = Current password
new-password = New password
new-password-hint = At least 8 characters, not one of the most common passwords.
password-changed = Password changed. Your other devices have been signed out.
signed-in-where = Where you are signed in
sessions = Sessions
last-used = last used { $when }
this-device = This device
sign-out-device = Sign out this device
sign-out-everywhere = Sign out everywhere

## Admin pages

admins-only = This page is for admins.
start-preparing = Start preparing
mark-shipped = Mark shipped
mark-delivered = Mark delivered
show-orders = Show
all-orders = All orders
board-empty = No orders.
col-order = Order
col-customer = Customer
col-status = Status
col-next-step = Next step
customer-user-id = user { $id }
price-eur = Price (€)
price-placeholder = 12.90
stock = Stock
col-in-catalog = In catalog
in-catalog-yes = Yes
in-catalog-hidden = Hidden
price-of = Price of { $name } in euros
stock-of = Stock of { $name }
save = Save
save-named = Save { $name }
hide = Hide
show = Show
add-a-product = Add a product
new-product = New product
product-name = Name
product-description = Description
product-category = Category
choose = Choose…
add-product = Add product
product-added = { $name } added.
col-user = User
col-actions = Actions
make-customer = Make customer
make-admin = Make admin
user-active = Active
user-disabled = Disabled
enable = Enable
disable = Disable
delete = Delete
new-user = New user
role-admin-checkbox = Admin
create-user = Create user

## What went wrong: one sentence per problem code of the API

problem-unavailable = This part of the shop is unavailable for a moment. Please try again shortly.
problem-busy = The shop is very busy right now. Please try again in a moment.
problem-checkout_in_progress = This cart is already being paid for, perhaps in another tab. Wait a moment, then look at your orders.
problem-cross_site_request = This request came from another site and was refused. Reload the page and try again.
problem-empty_cart = Your cart is empty.
problem-empty_order = An order needs at least one product.
problem-forbidden = Your account may not do this.
problem-idempotency = This payment attempt could not be matched. Reload the page and try again.
problem-internal = Something went wrong on our side. Please try again.
problem-bad_request = The shop did not understand this request. Reload the page and try again.
problem-invalid_credentials = Wrong username or password.
problem-signed_out = Your session has ended. Please sign in again.
problem-invalid_transition = This order cannot move to that status any more; reload to see where it is.
problem-last_admin = The shop needs at least one admin: the last one cannot be demoted, disabled or deleted.
problem-not_found = This does not exist (any more).
problem-out_of_stock = There is not enough in stock of a product in your cart. Lower its quantity and try again.
problem-payload_too_large = What you sent is too large.
problem-payment_declined = Your payment was declined and nothing was charged.
problem-payment_unavailable = Payments are not working right now; nothing was charged. Please try again in a minute.
problem-rate_limited = Too many requests in a short time. Please wait a moment and try again.
problem-too_many_attempts = Too many failed sign-ins. Please wait a minute before trying again.
problem-too_many_streams = This order is already open in too many tabs. Close some and reload.
problem-unknown_product = A product in your cart is no longer sold. Remove it and try again.
problem-username_taken = This username is already taken. Please choose another.
problem-validation_failed = Some of what you typed cannot be used; see the fields marked below.
problem-wrong_password = The current password is wrong.
problem-price_or_stock = Enter the price in euros, like 12.90, and the stock as a whole number.
problem-other = Something went wrong ({ $code }). Please try again.

## Why a field was refused (the errors of a validation problem)

field-username-length = Use 3 to 32 characters.
field-username-characters = Use only letters a to z, digits, '_', '.' and '-', without spaces.
field-username-start = Start with a letter or a digit.
field-password-length = Use 8 to 128 characters.
field-password-common = This password is one of the most common ones; choose another.
field-email-format = This is not an e-mail address, such as name@example.com.
field-length = This is too short or too long.
field-range = This number is out of range.
field-control_characters = Remove the invisible control characters.
field-unknown = This is not one of the choices.
field-other = This value cannot be used.

-- The demo catalog: 4 categories, 16 products, pictures in public/images.
INSERT INTO categories (id, name) VALUES
    ('coffee', 'Coffee'),
    ('tea', 'Tea'),
    ('brewing', 'Brewing gear'),
    ('cups', 'Cups & mugs');

INSERT INTO products (name, description, price_cents, category_id, stock, image_url) VALUES
    ('Ethiopia Yirgacheffe, 250 g', 'Washed Arabica from Gedeo; jasmine, bergamot and lemon curd. Light roast, whole beans.', 1290, 'coffee', 40, '/images/ethiopia-yirgacheffe.svg'),
    ('Colombia Huila, 250 g', 'Caturra and Castillo from smallholders around Pitalito; red apple, panela, milk chocolate.', 1150, 'coffee', 55, '/images/colombia-huila.svg'),
    ('House Espresso Blend, 1 kg', 'Brazil and Guatemala for a dense crema; hazelnut, cocoa and a soft finish. Medium-dark roast.', 3490, 'coffee', 25, '/images/espresso-blend.svg'),
    ('Swiss Water Decaf, 250 g', 'Mexico Chiapas, decaffeinated without solvents; caramel and almond.', 1090, 'coffee', 30, '/images/decaf.svg'),
    ('Darjeeling First Flush, 100 g', 'Spring harvest from the Castleton estate; muscatel, fresh and floral. Loose leaf.', 1490, 'tea', 35, '/images/darjeeling.svg'),
    ('Gyokuro Kirameki, 50 g', 'Shade-grown green tea from Yame, Fukuoka; umami, sweet grass and sea breeze.', 1890, 'tea', 20, '/images/gyokuro.svg'),
    ('Earl Grey Supreme, 100 g', 'Ceylon black tea with cold-pressed Calabrian bergamot and cornflower petals.', 890, 'tea', 60, '/images/earl-grey.svg'),
    ('Rooibos Vanilla, 100 g', 'Caffeine-free red bush from the Cederberg with Bourbon vanilla pieces.', 790, 'tea', 45, '/images/rooibos.svg'),
    ('Pour-over Dripper V60', 'Ceramic cone dripper, size 02, for one to four cups. Spiral ribs, single large hole.', 2490, 'brewing', 18, '/images/dripper.svg'),
    ('Gooseneck Kettle, 1 l', 'Stainless steel, precise spout for pour-over; works on gas, electric and induction.', 4590, 'brewing', 12, '/images/kettle.svg'),
    ('Hand Grinder, Conical Burr', 'Steel conical burrs with 40 click settings, from espresso to French press. 30 g capacity.', 7990, 'brewing', 8, '/images/grinder.svg'),
    ('French Press, 8 cups', 'Borosilicate glass carafe with a four-layer stainless filter. 1 litre.', 3290, 'brewing', 22, '/images/french-press.svg'),
    ('Paper Filters 02, 100 pcs', 'Unbleached cone filters for size 02 drippers. Rinse before use.', 590, 'brewing', 120, '/images/filters.svg'),
    ('Stoneware Mug, 350 ml', 'Hand-glazed stoneware in speckled sand; dishwasher and microwave safe.', 1690, 'cups', 50, '/images/mug.svg'),
    ('Double-wall Glass, 2 pcs', 'Heat-resistant borosilicate glasses that keep drinks hot and hands cool. 250 ml each.', 2190, 'cups', 28, '/images/glasses.svg'),
    ('Cupping Bowl Set, 4 pcs', 'Porcelain bowls of 200 ml for tasting coffee side by side, as roasters do.', 2890, 'cups', 10, '/images/cupping-bowls.svg');

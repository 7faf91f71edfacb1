// French and English: the language follows the browser, can be switched from the header and is
// remembered; plurals, prices and dates follow it; API problems and refused fields get the
// app's own words.
import { expect, test } from '@playwright/test';
import { PASSWORD, shop, uniqueName } from './helpers';

// `\s` matches the no-break spaces French uses before `€` and `:`.
const EUROS_FR = /^\d+,\d{2}\s€$/;
const EUROS_EN = /^€\d+\.\d{2}$/;

test.describe('a French-speaking browser', () => {
  test.use({ locale: 'fr-FR', timezoneId: 'Asia/Kolkata' });

  test('gets the shop in French, with French plurals, prices, dates and messages', async ({ page }) => {
    const base = shop('SHOP_URL');
    await page.goto(`${base}/`);
    await expect(page.getByRole('heading', { level: 1, name: 'Catalogue' })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
    await expect(page).toHaveTitle('Catalogue · Bean & Leaf');
    const products = page.getByRole('list', { name: 'Produits' }).getByRole('listitem');
    await expect(products.first().locator('.price')).toHaveText(EUROS_FR);
    await expect(page.getByText(/^\d+ produits$/)).toBeVisible();

    // CLDR plurals: "1 produit", and the empty result's sentence.
    await page.getByRole('searchbox', { name: 'Rechercher' }).fill('Gyokuro');
    await page.getByRole('button', { name: 'Rechercher' }).click();
    await expect(page.getByText('1 produit', { exact: true })).toBeVisible();

    // A problem code in the app's words (the API's detail is English).
    await page.goto(`${base}/login`);
    await page.getByLabel('Nom d’utilisateur').fill('demo');
    await page.getByLabel('Mot de passe').fill('not the password');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await expect(page.getByRole('alert')).toHaveText('Nom d’utilisateur ou mot de passe incorrect.');

    // A refused field is marked and its reason tied to it.
    await page.goto(`${base}/register`);
    const username = page.getByLabel('Nom d’utilisateur');
    await username.fill('al ice');
    await page.getByLabel('Mot de passe').fill(PASSWORD);
    await page.getByRole('button', { name: 'Créer le compte' }).click();
    await expect(username).toHaveAttribute('aria-invalid', 'true');
    await expect(username).toHaveAccessibleDescription(/Utilisez seulement des lettres de a à z/);
    await expect(page.getByRole('alert')).toContainText('voir les champs signalés');

    const name = uniqueName('fr');
    await username.fill(name);
    await page.getByRole('button', { name: 'Créer le compte' }).click();
    await expect(page.getByText(`Connecté en tant que ${name}`)).toBeVisible();
    await expect(username).toBeHidden();

    // Cart changes are announced; the total is in euros the French way.
    await products.first().getByRole('button', { name: 'Ajouter au panier' }).click();
    await expect(products.first().getByText('Ajouté au panier')).toBeVisible();
    await page.getByRole('navigation', { name: 'Principal' }).getByRole('link', { name: /^Panier/ }).click();
    await expect(page.getByTestId('cart-total')).toHaveText(EUROS_FR);
    const quantity = page.getByRole('spinbutton').first();
    await quantity.fill('3');
    await quantity.press('Enter');
    await expect(page.getByTestId('cart-announcement')).toHaveText(/quantité modifiée\.\sTotal\s: \d+,\d{2}\s€\.$/);
    await expect(page.getByTestId('cart-announcement')).toHaveAttribute('role', 'status');

    await page.getByRole('link', { name: 'Passer la commande' }).click();
    await page.getByRole('button', { name: 'Payer' }).click();
    await expect(page.getByRole('heading', { name: 'Paiement accepté' })).toBeVisible();
    await page.getByRole('link', { name: 'Suivre votre commande' }).click();
    await expect(page.getByTestId('order-status')).toHaveText('Payée');
    // Times are in the browser's zone, named.
    await expect(page.getByRole('list', { name: 'Historique' }).locator('time').first()).toHaveText(/UTC\+5:30$/);
  });
});

test('the language can be switched from the header and is remembered', async ({ page }) => {
  const base = shop('SHOP_URL');
  await page.goto(`${base}/`);
  await expect(page.getByRole('heading', { level: 1, name: 'Catalog' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  // By class: the list's accessible name changes with the language too.
  const price = page.locator('ul.grid > li').first().locator('.price');
  await expect(price).toHaveText(EUROS_EN);

  await page.getByRole('combobox', { name: 'Language' }).selectOption('fr');
  // At once, without a reload.
  await expect(page.getByRole('heading', { level: 1, name: 'Catalogue' })).toBeVisible();
  await expect(price).toHaveText(EUROS_FR);
  await expect(page.getByRole('navigation', { name: 'Principal' }).getByRole('link', { name: 'Se connecter' })).toBeVisible();

  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Catalogue' })).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Langue' })).toHaveValue('fr');

  await page.getByRole('combobox', { name: 'Langue' }).selectOption('en');
  await expect(page.getByRole('heading', { level: 1, name: 'Catalog' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
});

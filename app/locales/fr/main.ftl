# Le texte français de la boutique (syntaxe Project Fluent : https://projectfluent.org/fluent/guide/).
# Chaque message doit exister aussi dans ../en/main.ftl et servir dans app/src : la compilation
# vérifie les deux (check_translations de leptos-fluent).
# Typographie : espace fine insécable (U+202F) avant ; ! ? et espace insécable (U+00A0) avant :.

## En-tête, bandeaux, éléments communs

nav-main = Principal
nav-catalog = Catalogue
nav-cart = Panier
nav-orders = Commandes
nav-board = Suivi des commandes
nav-products = Produits
nav-users = Utilisateurs
nav-signed-in-as = Connecté en tant que
nav-account = Compte
nav-sign-out = Se déconnecter
nav-sign-in = Se connecter
nav-register = Créer un compte
language = Langue
skip-to-content = Aller au contenu
banner-orders-down = Le catalogue, votre panier et vos commandes sont momentanément indisponibles. Vous pouvez toujours vous connecter ; merci de réessayer dans un instant.
banner-auth-down = La connexion est momentanément indisponible ; vous pouvez toujours parcourir le catalogue.
loading = Chargement…
add-to-cart = Ajouter au panier
sold-out = Épuisé
added-to-cart = Ajouté au panier
device-unknown = Appareil inconnu
device-on = { $browser } sous { $system }
network-error = Impossible de joindre la boutique. Vérifiez votre connexion et réessayez.
not-found-title = Page introuvable
not-found-text = Il n’y a rien ici.
back-to-catalog = Retour au catalogue
browse-catalog = Parcourir le catalogue
pages = Pages
page-of = Page { $page } sur { $pages }
total-label = Total :
quantity = Quantité

## Connexion et création de compte

sign-in = Se connecter
signing-in = Connexion…
username = Nom d’utilisateur
password = Mot de passe
new-here = Nouveau client ?
create-an-account = Créer un compte
create-account = Créer le compte
creating-account = Création du compte…
have-account = Déjà un compte ?
username-hint = De 3 à 32 lettres, chiffres, « _ », « . » ou « - ».
email-optional = Adresse e-mail (facultative)
password-hint = Au moins 8 caractères.

## Catalogue et produits

catalog = Catalogue
search = Rechercher
search-placeholder = Café, thé, bouilloire…
sort-by = Trier par
sort-featured = Sélection
sort-name-asc = Nom, de A à Z
sort-name-desc = Nom, de Z à A
sort-price-asc = Prix croissant
sort-price-desc = Prix décroissant
categories = Catégories
category-all = Tout
no-products-match = Aucun produit ne correspond.
show-all-products = Voir tous les produits
products = Produits
product-count =
    { $count ->
        [one] { $count } produit
       *[other] { $count } produits
    }
previous = ← Précédente
next = Suivante →
in-stock = { $count ->
        [one] { $count } en stock
       *[other] { $count } en stock
    }

## Panier et paiement

your-cart = Votre panier
cart-empty = Votre panier est vide.
col-product = Produit
col-unit-price = Prix unitaire
col-total = Total
proceed-to-checkout = Passer la commande
quantity-of = Quantité de { $name }
remove = Retirer
remove-named = Retirer { $name }
cart-updated = { $name } : quantité modifiée. Total : { $total }.
cart-removed = { $name } retiré du panier. Total : { $total }.
checkout = Paiement
payment-successful = Paiement accepté
order-paid = La commande nº { $id } est payée : { $amount }.
follow-order = Suivre votre commande
see-orders = Voir vos commandes
payment-declined = Paiement refusé
payment-declined-text = Votre paiement a été refusé et rien n’a été débité. Votre panier est inchangé ; vous pouvez réessayer.
payment-unavailable = Paiement indisponible
payment-unavailable-text = Les paiements ne fonctionnent pas en ce moment. Rien n’a été débité et votre panier est inchangé ; merci de réessayer dans une minute.
paying = Paiement en cours…
try-again = Réessayer
pay-now = Payer

## Commandes

your-orders = Vos commandes
no-orders = Aucune commande pour l’instant.
newer = ← Plus récentes
older = Plus anciennes →
order-number = Commande nº { $id }
all-your-orders = Toutes vos commandes
status-label = État :
timeline = Historique
progress = Avancement
cancel-order = Annuler la commande
status-pending = Paiement en cours
status-paid = Payée
status-payment_failed = Paiement refusé
status-preparing = En préparation
status-shipped = Expédiée
status-delivered = Livrée
status-cancelled = Annulée

## Compte

your-account = Votre compte
profile = Profil
email = Adresse e-mail
role = Rôle
role-admin = Administrateur
role-customer = Client
member-since = Client depuis le
change-password = Changer de mot de passe
current-password = Mot de passe actuel
new-password = Nouveau mot de passe
new-password-hint = Au moins 8 caractères, et pas l’un des mots de passe les plus courants.
password-changed = Mot de passe changé. Vos autres appareils ont été déconnectés.
signed-in-where = Où vous êtes connecté
sessions = Sessions
last-used = dernière utilisation { $when }
this-device = Cet appareil
sign-out-device = Déconnecter cet appareil
sign-out-everywhere = Se déconnecter partout

## Pages d’administration

admins-only = Cette page est réservée aux administrateurs.
start-preparing = Commencer la préparation
mark-shipped = Marquer expédiée
mark-delivered = Marquer livrée
show-orders = Afficher
all-orders = Toutes les commandes
board-empty = Aucune commande.
col-order = Commande
col-customer = Client
col-status = État
col-next-step = Étape suivante
customer-user-id = utilisateur { $id }
price-eur = Prix (€)
price-placeholder = 12,90
stock = Stock
col-in-catalog = Au catalogue
in-catalog-yes = Oui
in-catalog-hidden = Masqué
price-of = Prix de { $name } en euros
stock-of = Stock de { $name }
save = Enregistrer
save-named = Enregistrer { $name }
hide = Masquer
show = Afficher
add-a-product = Ajouter un produit
new-product = Nouveau produit
product-name = Nom
product-description = Description
product-category = Catégorie
choose = Choisir…
add-product = Ajouter le produit
product-added = { $name } ajouté.
col-user = Utilisateur
col-actions = Actions
make-customer = Rendre client
make-admin = Rendre administrateur
user-active = Actif
user-disabled = Désactivé
enable = Réactiver
disable = Désactiver
delete = Supprimer
new-user = Nouvel utilisateur
role-admin-checkbox = Administrateur
create-user = Créer l’utilisateur

## Ce qui n’a pas marché : une phrase par code de problème de l’API

problem-unavailable = Cette partie de la boutique est momentanément indisponible. Merci de réessayer dans un instant.
problem-busy = La boutique est très sollicitée en ce moment. Merci de réessayer dans un instant.
problem-checkout_in_progress = Ce panier est déjà en cours de paiement, peut-être dans un autre onglet. Patientez un instant, puis consultez vos commandes.
problem-cross_site_request = Cette demande venait d’un autre site et a été refusée. Rechargez la page et réessayez.
problem-empty_cart = Votre panier est vide.
problem-empty_order = Une commande doit contenir au moins un produit.
problem-forbidden = Votre compte ne permet pas cette action.
problem-idempotency = Cette tentative de paiement n’a pas pu être reconnue. Rechargez la page et réessayez.
problem-internal = Un problème est survenu de notre côté. Merci de réessayer.
problem-bad_request = La boutique n’a pas compris cette demande. Rechargez la page et réessayez.
problem-invalid_credentials = Nom d’utilisateur ou mot de passe incorrect.
problem-signed_out = Votre session a pris fin. Merci de vous reconnecter.
problem-invalid_transition = Cette commande ne peut plus passer à cet état ; rechargez la page pour voir où elle en est.
problem-last_admin = La boutique a besoin d’au moins un administrateur : le dernier ne peut être ni rétrogradé, ni désactivé, ni supprimé.
problem-not_found = Ceci n’existe pas (ou plus).
problem-out_of_stock = Le stock d’un produit de votre panier est insuffisant. Diminuez sa quantité et réessayez.
problem-payload_too_large = Ce que vous avez envoyé est trop volumineux.
problem-payment_declined = Votre paiement a été refusé et rien n’a été débité.
problem-payment_unavailable = Les paiements ne fonctionnent pas en ce moment ; rien n’a été débité. Merci de réessayer dans une minute.
problem-rate_limited = Trop de demandes en peu de temps. Patientez un instant et réessayez.
problem-too_many_attempts = Trop de tentatives de connexion échouées. Patientez une minute avant de réessayer.
problem-too_many_streams = Cette commande est déjà ouverte dans trop d’onglets. Fermez-en quelques-uns et rechargez.
problem-unknown_product = Un produit de votre panier n’est plus vendu. Retirez-le et réessayez.
problem-username_taken = Ce nom d’utilisateur est déjà pris. Merci d’en choisir un autre.
problem-validation_failed = Une partie de ce que vous avez saisi ne convient pas ; voir les champs signalés ci-dessous.
problem-wrong_password = Le mot de passe actuel est incorrect.
problem-price_or_stock = Saisissez le prix en euros, par exemple 12,90, et le stock en nombre entier.
problem-other = Un problème est survenu ({ $code }). Merci de réessayer.

## Pourquoi un champ a été refusé (les erreurs d’un problème de validation)

field-username-length = Utilisez de 3 à 32 caractères.
field-username-characters = Utilisez seulement des lettres de a à z, des chiffres, « _ », « . » et « - », sans espace.
field-username-start = Commencez par une lettre ou un chiffre.
field-password-length = Utilisez de 8 à 128 caractères.
field-password-common = Ce mot de passe fait partie des plus courants ; choisissez-en un autre.
field-email-format = Ce n’est pas une adresse e-mail, comme nom@exemple.fr.
field-length = C’est trop court ou trop long.
field-range = Ce nombre est hors des limites.
field-control_characters = Retirez les caractères de contrôle invisibles.
field-unknown = Ce n’est pas l’un des choix proposés.
field-other = Cette valeur ne convient pas.

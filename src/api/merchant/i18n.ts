/**
 * The merchant page's words, in the Ecwid admin's language when we have it (English, French), else English.
 * Every language has every key: the French table is typed by the English one.
 */
import { describeSkipReason } from '../../domain/order-filter';
import { isCustomStatus } from '../../domain/status-mapping';

export const LANGS = ['en', 'fr'] as const;
export type Lang = (typeof LANGS)[number];

export function isLang(v: unknown): v is Lang {
  return typeof v === 'string' && (LANGS as readonly string[]).includes(v);
}

/** "fr", "fr_FR", "fr-CA" → fr; anything we don't speak → en. */
export function langOf(...candidates: unknown[]): Lang {
  for (const c of candidates) {
    if (typeof c !== 'string') continue;
    const base = c.trim().toLowerCase().split(/[-_]/)[0];
    if (isLang(base)) return base;
  }
  return 'en';
}

const EN = {
  appTitle: 'ShipStation for Ecwid',
  refusedTitle: 'This page could not open',
  refusedBadPayload: 'Ecwid did not hand this page a valid store key. Open the app again from your Ecwid admin (Apps → My apps → ShipStation).',
  refusedNotConfigured: 'The connector is not set up to run as an Ecwid app yet (ECWID_CLIENT_SECRET is missing). Tell the connector’s operator.',
  refusedToken: 'Ecwid refused this store’s access for the app. Open the app again from your Ecwid admin; if this keeps happening, reinstall it.',
  refusedSession: 'This page has been open too long, or its link is not valid. Open the app again from your Ecwid admin.',
  refusedUnavailable: 'Ecwid or the connector could not be reached just now. Try again in a moment.',
  planRequired: 'This store can’t use the Ecwid API: the connector needs Ecwid’s Venture plan or higher, and a store that is not suspended.',
  installTitle: 'Send your Ecwid orders to ShipStation',
  installIntro: 'Your store is not connected yet. Choose the ShipStation account its orders go to; you can change the settings once connected.',
  reconnectIntro: 'Your store is not syncing. Connect it again with the access Ecwid just gave this page.',
  accountOwn: 'My own ShipStation account',
  accountOwnHelp: 'In ShipStation: Account Settings → API Settings. The key and secret are checked with ShipStation, stored encrypted, and never shown again.',
  accountOperator: 'The ShipStation account of my service provider',
  accountOperatorHelp: 'Your orders go to the ShipStation account run by the people who host this connector.',
  apiKey: 'API key',
  apiSecret: 'API secret',
  connect: 'Connect my store',
  stateLabels: { active: 'Active', paused: 'Paused', needs_reconnect: 'Needs reconnect', disconnected: 'Disconnected' },
  store: 'Store',
  lastSync: 'Last sync',
  nextSync: 'Next sync',
  syncingNow: 'syncing now…',
  orders: 'Orders',
  counts: (i: number, s: number, f: number) => `${i} imported, ${s} skipped, ${f} failed`,
  shipstationAccount: 'ShipStation account',
  accountIsOwn: 'your own',
  accountIsOperator: 'your service provider’s',
  lastError: 'Last problem',
  credentialsNeeded:
    'ShipStation refuses this store’s API key and secret (expired or revoked): it needs new ShipStation credentials. Orders and shipments wait and nothing is lost; enter a new key pair below.',
  credentialsExpiring: 'The ShipStation API key pair expires soon: create a new one in ShipStation and enter it below.',
  replaceKeysTitle: 'New ShipStation API key pair',
  replaceKeysHelp: 'For your own ShipStation account: the new key and secret are checked with ShipStation first; the old ones stay in use if they fail.',
  replaceKeys: 'Use this key pair',
  refresh: 'Refresh',
  none: 'None.',
  skippedTitle: 'Orders not imported',
  failedTitle: 'Orders that failed to import',
  shippedTitle: 'Shipped items per order',
  shippedNone: 'No shipment written back to Ecwid recently.',
  shippedUnreadable: 'Shipments could not be read right now.',
  colShipped: 'Items shipped, with tracking number',
  shippedOf: (shipped: number, ordered: number) => `${shipped} of ${ordered}`,
  shippedComplete: 'Shipped',
  shippedPartial: 'Partly shipped',
  shippedKept: 'a label was voided: the order stays shipped in Ecwid',
  colOrder: 'Order',
  colReason: 'Why',
  colFix: 'What to do',
  colWhen: 'When',
  colAttempts: 'Attempts',
  fixMapStatus: 'Map this custom status',
  fixAddress: 'Add a shipping address to the order in Ecwid',
  fixPickup: 'Turn on “Import local pickup orders”',
  fixImportSince: 'Move the import start date earlier',
  fixNothing: 'Nothing to do',
  fixFailed: 'Retried automatically; if it keeps failing, check the order in Ecwid',
  whyTitle: 'Why was an order imported or not?',
  orderNumber: 'Order number',
  explain: 'Explain',
  whyUnknown: (id: string) => `Could not look up order ${id}.`,
  outcomes: { imported: 'imported', skipped: 'not imported', failed: 'failed', unchanged: 'unchanged', cancelled: 'cancelled', unknown: 'not seen by the connector yet' },
  settingsTitle: 'Settings',
  mappingIntro: 'Orders in one of your custom Ecwid statuses are imported only once you choose its ShipStation status here (e.g. On Hold).',
  notImported: '(not imported)',
  customStatus: (side: 'payment' | 'fulfillment', n: string) => `Custom ${side} status ${n}`,
  partialShipmentStatus: 'Ecwid status of a partly shipped order',
  partialShipmentDefault: '(default: Processing)',
  importPickup: 'Import local pickup orders',
  importSince: 'Import orders placed since',
  pollInterval: (min: number, max: number) => `Check Ecwid for new orders every (seconds, ${min}–${max})`,
  save: 'Save settings',
  actionsTitle: 'Actions',
  syncNow: 'Sync now',
  pause: 'Pause',
  resume: 'Resume',
  retryShipments: 'Retry waiting shipments',
  disconnectSummary: 'Disconnect this store…',
  disconnectHelp: 'Orders stop going to ShipStation, and tracking numbers stop coming back. Orders already in ShipStation stay there.',
  disconnectConfirm: 'Yes, disconnect my store',
  disconnect: 'Disconnect',
  reopenToReconnect: 'This store is disconnected. To connect it again, open the app again from your Ecwid admin.',
  connectedBy: 'Connected by',
  connectedByMerchant: 'you, in this app',
  connectedByOperator: 'your service provider',
  notices: {
    installed: 'Connected: your orders are being sent to ShipStation now.',
    reconnected: 'Reconnected: the sync goes on where it stopped.',
    sync_started: 'Sync started: new and changed orders are being read from Ecwid now.',
    paused: 'Paused: no orders are sent to ShipStation until you resume.',
    resumed: 'Resumed: the sync runs again.',
    settings_saved: 'Settings saved. Orders they had kept out are checked again within a few seconds.',
    shipments_retried: 'Waiting shipments are being sent to Ecwid again.',
    disconnected: 'Disconnected: the store no longer syncs. Connect it again at any time.',
    keys_replaced: 'New ShipStation key pair in use: waiting orders and shipments are on their way.',
    store_saved: 'ShipStation store saved: orders created from now on go there.',
  },
  errors: {
    csrf: 'This form has expired. Open the app again from your Ecwid admin.',
    choose_account: 'Choose a ShipStation account.',
    keys_missing: 'Enter both the API key and the API secret.',
    shipstation_refused: 'ShipStation refused this API key and secret. Copy them again from ShipStation (Account Settings → API Settings).',
    shipstation_unavailable: 'ShipStation could not be reached to check the key. Try again in a moment.',
    operator_not_allowed: 'This connector does not offer its own ShipStation account: use yours.',
    ecwid_refused: 'Ecwid refused this store’s access. Open the app again from your Ecwid admin.',
    invalid_settings: 'Those settings are not valid: check the highlighted values and try again.',
    poll_out_of_range: 'The check interval is outside the allowed range.',
    import_since_out_of_range: 'The import start date must be between 2000-01-01 and one year from now.',
    confirm_disconnect: 'Tick the confirmation box to disconnect the store.',
    not_connected: 'This store is not connected.',
    not_account_owner: 'This ShipStation account also serves other stores: ask your service provider to replace its key pair.',
    shipstation_other_secret: 'This ShipStation API key is already connected with another secret. Ask your service provider, or enter the secret in use.',
    invalid_shipstation_store: 'That ShipStation store can’t receive your orders (it must be an active manual store of your ShipStation account). Nothing was changed.',
    shipstation_stores_unavailable: 'Your ShipStation stores can’t be listed right now. Try again in a moment.',
  },
  adoptedFromNative: (adopted: number, closed: number, stores: string) =>
    `${adopted} open order(s) that ShipStation's own Ecwid integration already held (${stores}) were taken over, not created again; ${closed} were already shipped there.`,
  nativeStillImporting: (stores: string) =>
    `ShipStation still imports ${stores} on its own: turn its automatic import off in ShipStation, or new orders arrive twice.`,
  shipstationStoreTitle: 'ShipStation store',
  shipstationStoreHelp:
    'The ShipStation store whose settings (branding, packing slips, return address, customer emails) apply to your orders. A change applies to orders sent from now on: ShipStation sets an order’s store only when it is created.',
  shipstationStoreDefault: 'Default: your ShipStation account’s first manual store',
  shipstationStoreUnlisted: 'Your ShipStation stores can’t be listed right now; reload this page later to change it.',
  saveStore: 'Save store',
  reason: (reason: string, names: Record<string, string>) => describeSkipReason(reason, names),
};

export type Messages = typeof EN;
export type NoticeKey = keyof Messages['notices'];
export type ErrorKey = keyof Messages['errors'];

function frReason(reason: string, names: Record<string, string>): string {
  const [kind, ...rest] = reason.split(':');
  const detail = rest.join(':');
  switch (kind) {
    case 'no_shipping_address':
      return 'pas d’adresse de livraison';
    case 'no_physical_items':
      return 'tous les articles sont numériques ou sans expédition';
    case 'pickup':
      return 'commande à retirer sur place (l’import du retrait est désactivé)';
    case 'before_import_since':
      return 'passée avant la date de début d’import';
    case 'hidden':
      return 'masquée dans Ecwid (retirée de la liste des commandes)';
    case 'external_fulfillment':
      return 'traitée par un autre service (traitement externe dans Ecwid) : ShipStation l’expédierait une seconde fois';
    case 'closed_in_shipstation':
      return 'déjà expédiée ou annulée dans ShipStation : elle n’est pas écrasée';
    case 'closed_in_native_store':
      return 'déjà expédiée dans ShipStation par son intégration Ecwid d’origine (avant le passage à ce connecteur) : elle n’est pas recréée';
    case 'native_copies_ambiguous':
      return 'l’intégration Ecwid d’origine de ShipStation la contient deux fois sous des clés différentes : elle n’est pas créée une troisième fois ; gardez-en une dans ShipStation';
    case 'deleted_in_ecwid':
      return 'supprimée dans Ecwid';
    case 'deleted_in_shipstation':
      return 'supprimée dans ShipStation : elle n’y est pas recréée, sauf si elle change dans Ecwid après cela';
    case 'unmapped_status': {
      if (detail === 'INCOMPLETE') return 'commande non finalisée (les commandes incomplètes ne sont pas importées)';
      const name = names[detail]?.trim();
      const m = /^CUSTOM_(PAYMENT|FULFILLMENT)_STATUS_(\d)$/.exec(detail);
      if (m) {
        const label = name ? `« ${name} »` : `${m[1] === 'PAYMENT' ? 'de paiement' : 'de traitement'} personnalisé ${m[2]}`;
        return `le statut ${label} n’a pas de statut ShipStation associé`;
      }
      return `le statut « ${name || detail} » n’a pas de statut ShipStation associé`;
    }
    default:
      return describeSkipReason(reason, names);
  }
}

const FR: Messages = {
  appTitle: 'ShipStation pour Ecwid',
  refusedTitle: 'Cette page n’a pas pu s’ouvrir',
  refusedBadPayload: 'Ecwid n’a pas transmis de clé de boutique valide à cette page. Rouvrez l’application depuis votre administration Ecwid (Applications → Mes applications → ShipStation).',
  refusedNotConfigured: 'Le connecteur n’est pas encore configuré comme application Ecwid (ECWID_CLIENT_SECRET manque). Prévenez son exploitant.',
  refusedToken: 'Ecwid a refusé l’accès de l’application à cette boutique. Rouvrez l’application depuis votre administration Ecwid ; si cela persiste, réinstallez-la.',
  refusedSession: 'Cette page est ouverte depuis trop longtemps, ou son lien n’est pas valide. Rouvrez l’application depuis votre administration Ecwid.',
  refusedUnavailable: 'Ecwid ou le connecteur est momentanément injoignable. Réessayez dans un instant.',
  planRequired: 'Cette boutique ne peut pas utiliser l’API Ecwid : le connecteur demande l’offre Venture ou supérieure, et une boutique non suspendue.',
  installTitle: 'Envoyer vos commandes Ecwid vers ShipStation',
  installIntro: 'Votre boutique n’est pas encore connectée. Choisissez le compte ShipStation qui recevra ses commandes ; les réglages viennent ensuite.',
  reconnectIntro: 'Votre boutique ne se synchronise pas. Reconnectez-la avec l’accès qu’Ecwid vient de donner à cette page.',
  accountOwn: 'Mon propre compte ShipStation',
  accountOwnHelp: 'Dans ShipStation : Account Settings → API Settings. La clé et le secret sont vérifiés auprès de ShipStation, enregistrés chiffrés, et jamais réaffichés.',
  accountOperator: 'Le compte ShipStation de mon prestataire',
  accountOperatorHelp: 'Vos commandes vont dans le compte ShipStation géré par ceux qui hébergent ce connecteur.',
  apiKey: 'Clé d’API',
  apiSecret: 'Secret d’API',
  connect: 'Connecter ma boutique',
  stateLabels: { active: 'Active', paused: 'En pause', needs_reconnect: 'À reconnecter', disconnected: 'Déconnectée' },
  store: 'Boutique',
  lastSync: 'Dernière synchronisation',
  nextSync: 'Prochaine synchronisation',
  syncingNow: 'synchronisation en cours…',
  orders: 'Commandes',
  counts: (i, s, f) => `${i} importée(s), ${s} non importée(s), ${f} en échec`,
  shipstationAccount: 'Compte ShipStation',
  accountIsOwn: 'le vôtre',
  accountIsOperator: 'celui de votre prestataire',
  lastError: 'Dernier problème',
  credentialsNeeded:
    'ShipStation refuse la clé et le secret d’API de cette boutique (expirés ou révoqués) : il faut de nouveaux identifiants ShipStation. Les commandes et les expéditions attendent, rien n’est perdu ; saisissez une nouvelle paire de clés ci-dessous.',
  credentialsExpiring: 'La paire de clés d’API ShipStation expire bientôt : créez-en une nouvelle dans ShipStation et saisissez-la ci-dessous.',
  replaceKeysTitle: 'Nouvelle paire de clés d’API ShipStation',
  replaceKeysHelp: 'Pour votre propre compte ShipStation : la nouvelle clé et le nouveau secret sont d’abord vérifiés auprès de ShipStation ; les anciens restent utilisés en cas d’échec.',
  replaceKeys: 'Utiliser cette paire de clés',
  refresh: 'Actualiser',
  none: 'Aucune.',
  skippedTitle: 'Commandes non importées',
  failedTitle: 'Commandes en échec d’import',
  shippedTitle: 'Articles expédiés par commande',
  shippedNone: 'Aucune expédition reportée dans Ecwid récemment.',
  shippedUnreadable: 'Les expéditions ne peuvent pas être lues pour le moment.',
  colShipped: 'Articles expédiés, avec numéro de suivi',
  shippedOf: (shipped: number, ordered: number) => `${shipped} sur ${ordered}`,
  shippedComplete: 'Expédiée',
  shippedPartial: 'Partiellement expédiée',
  shippedKept: 'une étiquette a été annulée : la commande reste expédiée dans Ecwid',
  colOrder: 'Commande',
  colReason: 'Pourquoi',
  colFix: 'Que faire',
  colWhen: 'Quand',
  colAttempts: 'Essais',
  fixMapStatus: 'Associez ce statut personnalisé',
  fixAddress: 'Ajoutez une adresse de livraison à la commande dans Ecwid',
  fixPickup: 'Activez « Importer les commandes à retirer sur place »',
  fixImportSince: 'Avancez la date de début d’import',
  fixNothing: 'Rien à faire',
  fixFailed: 'Réessayée automatiquement ; si l’échec persiste, vérifiez la commande dans Ecwid',
  whyTitle: 'Pourquoi une commande a-t-elle été importée ou non ?',
  orderNumber: 'Numéro de commande',
  explain: 'Expliquer',
  whyUnknown: (id) => `Impossible de retrouver la commande ${id}.`,
  outcomes: { imported: 'importée', skipped: 'non importée', failed: 'en échec', unchanged: 'inchangée', cancelled: 'annulée', unknown: 'pas encore vue par le connecteur' },
  settingsTitle: 'Réglages',
  mappingIntro: 'Les commandes dans un de vos statuts Ecwid personnalisés ne sont importées qu’une fois son statut ShipStation choisi ici (par ex. On Hold).',
  notImported: '(non importée)',
  customStatus: (side, n) => `Statut ${side === 'payment' ? 'de paiement' : 'de traitement'} personnalisé ${n}`,
  partialShipmentStatus: 'Statut Ecwid d’une commande expédiée en partie',
  partialShipmentDefault: '(par défaut : Processing)',
  importPickup: 'Importer les commandes à retirer sur place',
  importSince: 'Importer les commandes passées depuis le',
  pollInterval: (min, max) => `Vérifier les nouvelles commandes Ecwid toutes les (secondes, ${min}–${max})`,
  save: 'Enregistrer les réglages',
  actionsTitle: 'Actions',
  syncNow: 'Synchroniser maintenant',
  pause: 'Mettre en pause',
  resume: 'Reprendre',
  retryShipments: 'Renvoyer les expéditions en attente',
  disconnectSummary: 'Déconnecter cette boutique…',
  disconnectHelp: 'Les commandes ne vont plus vers ShipStation et les numéros de suivi ne reviennent plus. Les commandes déjà dans ShipStation y restent.',
  disconnectConfirm: 'Oui, déconnecter ma boutique',
  disconnect: 'Déconnecter',
  reopenToReconnect: 'Cette boutique est déconnectée. Pour la reconnecter, rouvrez l’application depuis votre administration Ecwid.',
  connectedBy: 'Connectée par',
  connectedByMerchant: 'vous, dans cette application',
  connectedByOperator: 'votre prestataire',
  notices: {
    installed: 'Connectée : vos commandes partent vers ShipStation.',
    reconnected: 'Reconnectée : la synchronisation reprend là où elle s’était arrêtée.',
    sync_started: 'Synchronisation lancée : les commandes nouvelles ou modifiées sont lues dans Ecwid.',
    paused: 'En pause : aucune commande n’est envoyée à ShipStation jusqu’à la reprise.',
    resumed: 'Reprise : la synchronisation tourne de nouveau.',
    settings_saved: 'Réglages enregistrés. Les commandes qu’ils excluaient sont revérifiées dans quelques secondes.',
    shipments_retried: 'Les expéditions en attente sont renvoyées vers Ecwid.',
    disconnected: 'Déconnectée : la boutique ne se synchronise plus. Vous pouvez la reconnecter à tout moment.',
    keys_replaced: 'Nouvelle paire de clés ShipStation en service : les commandes et expéditions en attente sont en route.',
    store_saved: 'Boutique ShipStation enregistrée : les commandes créées désormais y vont.',
  },
  errors: {
    csrf: 'Ce formulaire a expiré. Rouvrez l’application depuis votre administration Ecwid.',
    choose_account: 'Choisissez un compte ShipStation.',
    keys_missing: 'Saisissez la clé et le secret d’API.',
    shipstation_refused: 'ShipStation a refusé cette clé et ce secret. Recopiez-les depuis ShipStation (Account Settings → API Settings).',
    shipstation_unavailable: 'ShipStation est injoignable pour vérifier la clé. Réessayez dans un instant.',
    operator_not_allowed: 'Ce connecteur ne propose pas son propre compte ShipStation : utilisez le vôtre.',
    ecwid_refused: 'Ecwid a refusé l’accès à cette boutique. Rouvrez l’application depuis votre administration Ecwid.',
    invalid_settings: 'Ces réglages ne sont pas valides : vérifiez les valeurs et réessayez.',
    poll_out_of_range: 'L’intervalle de vérification est hors des limites permises.',
    import_since_out_of_range: 'La date de début d’import doit être comprise entre le 2000-01-01 et dans un an.',
    confirm_disconnect: 'Cochez la case de confirmation pour déconnecter la boutique.',
    not_connected: 'Cette boutique n’est pas connectée.',
    not_account_owner: 'Ce compte ShipStation sert aussi d’autres boutiques : demandez à votre prestataire de remplacer sa paire de clés.',
    shipstation_other_secret: 'Cette clé d’API ShipStation est déjà connectée avec un autre secret. Demandez à votre prestataire, ou saisissez le secret en service.',
    invalid_shipstation_store: 'Cette boutique ShipStation ne peut pas recevoir vos commandes (ce doit être une boutique manuelle active de votre compte ShipStation). Rien n’a été modifié.',
    shipstation_stores_unavailable: 'Vos boutiques ShipStation ne peuvent pas être listées pour l’instant. Réessayez dans un instant.',
  },
  adoptedFromNative: (adopted: number, closed: number, stores: string) =>
    `${adopted} commande(s) ouverte(s) que l’intégration Ecwid de ShipStation contenait déjà (${stores}) ont été reprises, pas recréées ; ${closed} y étaient déjà expédiées.`,
  nativeStillImporting: (stores: string) =>
    `ShipStation importe encore ${stores} de lui-même : désactivez son import automatique dans ShipStation, sinon les nouvelles commandes arrivent en double.`,
  shipstationStoreTitle: 'Boutique ShipStation',
  shipstationStoreHelp:
    'La boutique ShipStation dont les réglages (image de marque, bordereaux, adresse de retour, e-mails aux clients) s’appliquent à vos commandes. Un changement vaut pour les commandes envoyées désormais : ShipStation fixe la boutique d’une commande à sa création.',
  shipstationStoreDefault: 'Par défaut : la première boutique manuelle de votre compte ShipStation',
  shipstationStoreUnlisted: 'Vos boutiques ShipStation ne peuvent pas être listées pour l’instant ; rechargez la page plus tard pour la changer.',
  saveStore: 'Enregistrer la boutique',
  reason: frReason,
};

const TABLES: Record<Lang, Messages> = { en: EN, fr: FR };

export function messages(lang: Lang): Messages {
  return TABLES[lang];
}

export type FixKind = 'map' | 'address' | 'pickup' | 'import_since' | 'nothing';

/** What the merchant can do about a skip reason, when there is something. */
export function fixFor(reason: string): FixKind | undefined {
  const [kind, status = ''] = reason.split(':');
  if (kind === 'unmapped_status') return isCustomStatus(status) ? 'map' : 'nothing';
  if (kind === 'no_shipping_address') return 'address';
  if (kind === 'pickup') return 'pickup';
  if (kind === 'before_import_since') return 'import_since';
  if (['no_physical_items', 'closed_in_shipstation', 'closed_in_native_store', 'deleted_in_ecwid', 'deleted_in_shipstation', 'hidden', 'external_fulfillment'].includes(kind)) return 'nothing';
  return undefined;
}

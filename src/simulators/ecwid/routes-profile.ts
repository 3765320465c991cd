/** GET /profile and GET /profile/order_statuses. */
import express, { type Router } from 'express';
import { CUSTOM_STATUSES, FULFILLMENT_STATUSES, PAYMENT_STATUSES, type EcwidWeightUnit } from './model';
import { apiContext } from './auth';
import { sendError } from './errors';
import { DEMO_EUR_USD_RATE } from './seed-catalog';
import type { StoreRecord } from './state';

const METRIC: readonly EcwidWeightUnit[] = ['GRAM', 'KILOGRAM', 'CARAT'];

const PAID_FEATURES = ['API', 'PREMIUM', 'SHIPMENT_TRACKING', 'INVENTORY_TRACKING', 'PRIVATE_ADMIN_NOTES', 'LOCAL_PICKUP', 'ORDER_EDITOR'];

export function storeProfile(store: StoreRecord): Record<string, unknown> {
  const metric = METRIC.includes(store.weightUnit);
  const paid = store.plan !== 'FREE';
  const origin = metric
    ? { companyName: store.storeName, email: store.accountEmail, street: 'Anhalter Strasse 98', city: 'Berlin', countryCode: 'DE', postalCode: '10963', stateOrProvinceCode: 'BE', phone: '+49 30 1234567' }
    : { companyName: store.storeName, email: store.accountEmail, street: '555 Lackawanna Ave', city: 'Scranton', countryCode: 'US', postalCode: '18503', stateOrProvinceCode: 'PA', phone: '+1 570 555 0100' };
  const shippingOrigin = { ...origin, countryName: metric ? 'Germany' : 'United States' };
  return {
    generalInfo: { storeId: store.storeId, storeUrl: `https://store${store.storeId}.company.site`, websitePlatform: 'ecwid' },
    account: {
      accountName: store.storeName,
      accountNickName: store.storeName,
      accountEmail: store.accountEmail,
      whiteLabel: false,
      suspended: store.suspended,
      paid,
      // The API itself is a paid-plan feature: a practical way for a client to tell the plan.
      availableFeatures: paid ? PAID_FEATURES : ['LOCAL_PICKUP'],
    },
    settings: { closed: false, storeName: store.storeName, storeDescription: '' },
    company: { ...origin },
    formatsAndUnits: {
      currency: metric ? 'EUR' : 'USD',
      currencyPrefix: metric ? '' : '$',
      currencySuffix: metric ? ' €' : '',
      currencyGroupSeparator: metric ? '.' : ',',
      currencyDecimalSeparator: metric ? ',' : '.',
      currencyPrecision: 2,
      currencyTruncateZeroFractional: false,
      // US dollars per unit of the currency (the docs' example: EUR with 1.060951674).
      currencyRate: metric ? DEMO_EUR_USD_RATE : 1,
      weightUnit: store.weightUnit,
      weightPrecision: 2,
      weightGroupSeparator: metric ? '.' : ',',
      weightDecimalSeparator: metric ? ',' : '.',
      weightTruncateZeroFractional: false,
      volumeUnit: metric ? 'ML' : 'FL_OZ',
      dimensionsUnit: metric ? 'CM' : 'IN',
      dateFormat: 'MMM d, yyyy',
      timeFormat: 'hh:mm:ss a',
      timezone: metric ? 'Europe/Berlin' : 'America/New_York',
      orderNumberPrefix: '',
      orderNumberSuffix: '',
    },
    languages: { enabledLanguages: ['en'], facebookPreferredLocale: 'en_US', defaultLanguage: 'en' },
    shipping: {
      handlingFee: { value: 0 },
      shippingOrigin,
      shippingOptions: [{ id: 'standard-1', title: 'Standard shipping', titleTranslated: { en: 'Standard shipping' }, enabled: true, orderby: 10, fulfilmentType: 'shipping', ratesCalculationType: 'flat' }],
    },
    // The sections below are the docs' example's, with a plain store's values; the connector reads none of them.
    mailNotifications: {
      adminNotificationEmails: [store.accountEmail],
      customerNotificationFromEmail: store.accountEmail,
      customerOrderMessages: { orderConfirmation: { enabled: true }, orderStatusChanged: { enabled: true }, orderShipped: { enabled: true } },
      adminMessages: { newOrderPlaced: { enabled: true } },
      customerMarketingMessages: {},
    },
    phoneNotifications: { adminNotificationPhones: [] },
    zones: [{ id: 'WORLD', name: 'World', countryCodes: [] }],
    taxes: [{ id: 947976181, name: metric ? 'VAT' : 'Sales tax', enabled: true, includeInPrice: metric, useShippingAddress: true, taxShipping: true, appliedByDefault: true, defaultTax: metric ? 19 : 8.25, rules: [] }],
    taxSettings: {
      automaticTaxEnabled: false,
      euIossEnabled: false,
      ukVatRegistered: false,
      taxes: [],
      pricesIncludeTax: metric,
      taxExemptBusiness: false,
      b2b_b2c: 'b2c',
      electronicInvoiceFieldsAtCheckoutEnabled: false,
      taxOnShippingCalculationScheme: 'AUTOMATIC',
    },
    payment: { paymentOptions: [], applePay: { enabled: false, available: false }, applePayOptions: [] },
    featureToggles: [{ name: 'CONSECUTIVE_ORDER_IDS', visible: false, enabled: false }],
    legalPagesSettings: { requireTermsAgreementAtCheckout: false, legalPages: [] },
    designSettings: {},
    productFiltersSettings: { enabledInStorefront: false, filterSections: [] },
    orderInvoiceSettings: { invoiceLogoUrl: '', attachInvoiceToOrderEmailNotifications: 'DO_NOT_ATTACH' },
    socialLinksSettings: { facebook: {}, instagram: {}, twitter: {}, youtube: {}, vk: {}, pinterest: {} },
    registrationAnswers: {},
    tipsSettings: { enabled: false, type: 'PERCENT', options: [0, 5, 10], defaultOption: 0, title: '', subtitle: '', titleTranslated: {}, subtitleTranslated: {} },
    taxInvoiceSettings: {
      taxInvoiceLogoUrl: '',
      attachTaxInvoiceToOrderEmailNotifications: 'DO_NOT_ATTACH',
      enableTaxInvoices: false,
      generateInvoicesAutomatically: 'ON_ORDER_PLACED',
      taxInvoiceIdPrefix: '',
      taxInvoiceIdSuffix: '',
      taxInvoiceIdMinDigitsAmount: 2,
      taxInvoiceIdNextNumber: 1,
    },
  };
}

/**
 * GET /profile/order_statuses as the docs show it (https://docs.ecwid.com/api-reference/rest-api/orders/order-statuses/
 * search-order-statuses): built-in statuses with `defaultStatus: true` and no name; custom ones with the name the
 * merchant gave (`name`, `nameTranslated` by language, `lastNameChangeDate`), `enabled` only once named.
 */
export function orderStatuses(store: StoreRecord): Record<string, unknown>[] {
  const item = (statusId: string, type: 'PAYMENT_STATUS' | 'FULFILLMENT_STATUS'): Record<string, unknown> => {
    const custom = (CUSTOM_STATUSES as readonly string[]).includes(statusId);
    if (!custom) return { statusId, orderStatusType: type, defaultStatus: true, enabled: true, sendNotificationWhenStatusIsAssigned: true };
    const name = store.customStatusNames[statusId as keyof StoreRecord['customStatusNames']];
    if (name === undefined) return { statusId, orderStatusType: type, enabled: false, sendNotificationWhenStatusIsAssigned: true };
    return {
      statusId,
      orderStatusType: type,
      defaultStatus: false,
      enabled: true,
      sendNotificationWhenStatusIsAssigned: false,
      name,
      nameTranslated: { en: name },
      lastNameChangeDate: '2024-01-01 12:00:00 +0000',
    };
  };
  return [
    ...PAYMENT_STATUSES.map((s) => item(s, 'PAYMENT_STATUS')),
    ...FULFILLMENT_STATUSES.map((s) => item(s, 'FULFILLMENT_STATUS')),
  ];
}

export function profileRoutes(): Router {
  const r = express.Router();
  // read_store_profile is always granted, so these need no scope check.
  r.get('/profile', (_req, res) => {
    res.json(storeProfile(apiContext(res).store));
  });
  r.get('/profile/order_statuses', (_req, res) => {
    res.json({ items: orderStatuses(apiContext(res).store) });
  });
  r.get('/profile/order_status/:statusId', (req, res) => {
    // The status ID is case sensitive.
    const found = orderStatuses(apiContext(res).store).find((s) => s.statusId === req.params.statusId);
    if (!found) return sendError(res, 404, 'ORDER_STATUS_NOT_FOUND', `Order status ${req.params.statusId} not found`);
    res.json(found);
  });
  return r;
}

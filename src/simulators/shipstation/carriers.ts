/** The carriers a typical account has connected, with ShipStation's codes and display names (reference §6). */
export interface SimCarrier {
  code: string;
  name: string;
  /** The carrier account's number: a string in the docs' examples ("SS123", "297929999"). */
  accountNumber: string;
  /** What a label gets when only the carrier is chosen. */
  defaultService: string;
  services: { code: string; name: string; domestic: boolean; international: boolean }[];
  packages: { code: string; name: string; domestic: boolean; international: boolean }[];
}

const USPS_SERVICES = [
  { code: 'usps_first_class_mail', name: 'USPS First Class Mail', domestic: true, international: false },
  { code: 'usps_media_mail', name: 'USPS Media Mail', domestic: true, international: false },
  { code: 'usps_parcel_select', name: 'USPS Parcel Select Ground', domestic: true, international: false },
  { code: 'usps_priority_mail', name: 'USPS Priority Mail', domestic: true, international: false },
  { code: 'usps_priority_mail_express', name: 'USPS Priority Mail Express', domestic: true, international: false },
  { code: 'usps_priority_mail_international', name: 'USPS Priority Mail Intl', domestic: false, international: true },
];
const USPS_PACKAGES = [
  { code: 'package', name: 'Package', domestic: true, international: true },
  { code: 'flat_rate_envelope', name: 'Flat Rate Envelope', domestic: true, international: true },
  { code: 'medium_flat_rate_box', name: 'Medium Flat Rate Box', domestic: true, international: true },
];
const PACKAGE_ONLY = [{ code: 'package', name: 'Package', domestic: true, international: true }];

export const CARRIERS: SimCarrier[] = [
  { code: 'stamps_com', name: 'Stamps.com', accountNumber: 'SS518236', defaultService: 'usps_priority_mail', services: USPS_SERVICES, packages: USPS_PACKAGES },
  { code: 'usps', name: 'USPS', accountNumber: 'US518236', defaultService: 'usps_priority_mail', services: USPS_SERVICES, packages: USPS_PACKAGES },
  {
    code: 'ups',
    name: 'UPS',
    accountNumber: 'A1B2C3',
    defaultService: 'ups_ground',
    services: [
      { code: 'ups_ground', name: 'UPS® Ground', domestic: true, international: false },
      { code: 'ups_3_day_select', name: 'UPS 3 Day Select®', domestic: true, international: false },
      { code: 'ups_2nd_day_air', name: 'UPS 2nd Day Air®', domestic: true, international: false },
      { code: 'ups_next_day_air', name: 'UPS Next Day Air®', domestic: true, international: false },
      { code: 'ups_standard_international', name: 'UPS Standard®', domestic: false, international: true },
    ],
    packages: PACKAGE_ONLY,
  },
  {
    code: 'fedex',
    name: 'FedEx',
    accountNumber: '297921234',
    defaultService: 'fedex_ground',
    services: [
      { code: 'fedex_ground', name: 'FedEx Ground®', domestic: true, international: false },
      { code: 'fedex_home_delivery', name: 'FedEx Home Delivery®', domestic: true, international: false },
      { code: 'fedex_2day', name: 'FedEx 2Day®', domestic: true, international: false },
      { code: 'fedex_standard_overnight', name: 'FedEx Standard Overnight®', domestic: true, international: false },
      { code: 'fedex_international_economy', name: 'FedEx International Economy®', domestic: false, international: true },
    ],
    packages: PACKAGE_ONLY,
  },
];

export const carrierByCode = (code: string | undefined): SimCarrier | undefined => CARRIERS.find((c) => c.code === code);

/** A plausible tracking number for the carrier: `1Z…` for UPS, 12 digits for FedEx, `9400…` (22 digits) for USPS. */
export function trackingNumberFor(carrierCode: string, n: number): string {
  if (carrierCode.startsWith('ups')) return `1Z999AA1${String(n).padStart(10, '0')}`;
  if (carrierCode.startsWith('fedex')) return String(n).padStart(12, '7');
  return `9400${String(n).padStart(18, '0')}`;
}

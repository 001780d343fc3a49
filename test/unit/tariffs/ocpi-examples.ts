// OCPI 2.2.1's "Complex Tariff example" (section 11.3.1), plus what it leaves out: a night band
// wrapping midnight, energy and duration bands, date bounds, min/max price, alt text, validity
// window and a reservation element. Numbers written as the spec writes them.
export const COMPLEX_OCPI_TARIFF = {
  country_code: 'DE',
  party_id: 'ALL',
  id: '14',
  currency: 'EUR',
  type: 'REGULAR',
  tariff_alt_url: 'https://company.com/tariffs/14',
  tariff_alt_text: [
    { language: 'en', text: '2.50 EUR start fee, 1.00 EUR/hour up to 32 kW, parking 5.00 EUR/hour in the day' },
    { language: 'nl', text: '2,50 euro starttarief' },
  ],
  min_price: { excl_vat: 0.5, incl_vat: 0.6 },
  max_price: { excl_vat: 50.0, incl_vat: 60.0 },
  elements: [
    { price_components: [{ type: 'FLAT', price: 2.5, vat: 15.0, step_size: 1 }] },
    { price_components: [{ type: 'TIME', price: 1.0, vat: 20.0, step_size: 900 }], restrictions: { max_power: 32.0 } },
    {
      price_components: [{ type: 'TIME', price: 2.0, vat: 20.0, step_size: 600 }],
      restrictions: { min_power: 32.0, day_of_week: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'] },
    },
    {
      price_components: [{ type: 'TIME', price: 1.25, vat: 20.0, step_size: 600 }],
      restrictions: { min_power: 32.0, day_of_week: ['SATURDAY', 'SUNDAY'] },
    },
    {
      price_components: [{ type: 'PARKING_TIME', price: 5.0, vat: 10.0, step_size: 300 }],
      restrictions: { start_time: '09:00', end_time: '18:00', day_of_week: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'] },
    },
    {
      price_components: [{ type: 'PARKING_TIME', price: 6.0, vat: 10.0, step_size: 300 }],
      restrictions: { start_time: '10:00', end_time: '17:00', day_of_week: ['SATURDAY'] },
    },
    // Night energy: 23:00 to 07:00 the next morning.
    { price_components: [{ type: 'ENERGY', price: 0.1875, vat: 19, step_size: 1 }], restrictions: { start_time: '23:00', end_time: '07:00' } },
    {
      price_components: [{ type: 'ENERGY', price: 0.39, step_size: 100 }],
      restrictions: {
        min_kwh: 0,
        max_kwh: 20.5,
        min_current: 6,
        max_current: 32,
        min_duration: 0,
        max_duration: 7200,
        start_date: '2026-03-29',
        end_date: '2026-10-25',
      },
    },
    { price_components: [{ type: 'FLAT', price: 1e-7, vat: 0, step_size: 1 }], restrictions: { reservation: 'RESERVATION' } },
  ],
  start_date_time: '2026-01-01T00:00:00Z',
  end_date_time: '2027-01-01T00:00:00Z',
  energy_mix: { is_green_energy: true, supplier_name: 'Greenpeace Energy eG', energy_product_name: 'eco-power' },
  last_updated: '2015-06-29T20:39:09Z',
};

/** The smallest valid tariff: 0.39 EUR/kWh. */
export const minimalOcpiTariff = () => ({
  country_code: 'NL',
  party_id: 'ABC',
  id: '1',
  currency: 'EUR',
  elements: [{ price_components: [{ type: 'ENERGY', price: 0.39, step_size: 1 }] }] as Record<string, unknown>[],
  last_updated: '2026-01-01T00:00:00Z',
});

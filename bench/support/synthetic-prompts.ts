const PLACES = [
  'museum',
  'temple',
  'station',
  'restaurant',
  'hotel',
  'park',
  'market',
  'gallery',
  'castle',
  'garden',
  'library',
  'beach',
  'airport',
  'zoo',
  'aquarium',
  'theatre',
  'stadium',
  'shrine',
  'bridge',
  'tower',
];
const CITIES = [
  'Tokyo',
  'Kyoto',
  'Osaka',
  'Nara',
  'Paris',
  'Lyon',
  'Rome',
  'Milan',
  'Berlin',
  'Munich',
  'Madrid',
  'Lisbon',
  'Vienna',
  'Prague',
  'Oslo',
  'Dublin',
  'Boston',
  'Denver',
  'Austin',
  'Seattle',
  'Toronto',
  'Sydney',
  'Perth',
  'Lima',
  'Cairo',
];
const DAYS = [
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
  'Sunday',
  'holidays',
  'weekends',
];
const TIMES = ['in the morning', 'at noon', 'in the evening', 'at night'];
const STORED_TEMPLATES = [
  'When does the {place} in {city} open on {day} {time}?',
  'How much is a ticket for the {place} in {city} on {day} {time}?',
  'Is the {place} in {city} crowded on {day} {time}?',
  'How do I get to the {place} in {city} on {day} {time}?',
  'Can I bring a dog to the {place} in {city} on {day} {time}?',
  'What is the best {place} in {city} to visit on {day} {time}?',
];
// Questions users ask that are close to, but not the same as, stored ones.
const QUERY_TEMPLATES = [
  'what time does the {place} in {city} open on {day} {time}',
  'how expensive is a ticket for the {place} in {city} on {day} {time}',
  'is the {place} in {city} busy on {day} {time}',
  'how can I get to the {place} in {city} on {day} {time}',
];

/** How many distinct stored prompts {@link storedPrompt} can make. */
export const STORED_PROMPT_COUNT =
  PLACES.length * CITIES.length * DAYS.length * TIMES.length * STORED_TEMPLATES.length;

function fill(template: string, index: number): string {
  const pick = <T>(list: readonly T[], divisor: number) =>
    list[Math.floor(index / divisor) % list.length] as T;
  return template
    .replace('{place}', pick(PLACES, 1))
    .replace('{city}', pick(CITIES, PLACES.length))
    .replace('{day}', pick(DAYS, PLACES.length * CITIES.length))
    .replace('{time}', pick(TIMES, PLACES.length * CITIES.length * DAYS.length));
}

/** The `index`-th distinct cached prompt of a travel-desk namespace (index < STORED_PROMPT_COUNT). */
export function storedPrompt(index: number): string {
  const variants = PLACES.length * CITIES.length * DAYS.length * TIMES.length;
  return fill(
    STORED_TEMPLATES[Math.floor(index / variants) % STORED_TEMPLATES.length] ?? '',
    index % variants,
  );
}

/** A user question near the `index`-th variant, worded differently from every stored prompt. */
export function queryPrompt(index: number): string {
  return fill(QUERY_TEMPLATES[index % QUERY_TEMPLATES.length] ?? '', index);
}

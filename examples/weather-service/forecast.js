// Demo forecasts: deterministic per city and day, so the example runs
// without network access or an API key. A real service would call a
// weather API here.

const SKIES = [
  { en: "sunny", zh: "晴" },
  { en: "partly cloudy", zh: "多云" },
  { en: "overcast", zh: "阴" },
  { en: "light rain", zh: "小雨" },
  { en: "windy", zh: "有风" },
];

function hash(s) {
  let h = 2166136261;
  for (const c of s) {
    h ^= c.codePointAt(0);
    h = Math.imul(h, 16777619) >>> 0;
  }
  return h;
}

/** forecast("Paris", "en", date) -> "Paris: sunny, 18°C (demo data)". */
export function forecast(city, lang = "en", date = new Date()) {
  const name = city.trim().replace(/\s+/g, " ");
  const h = hash(name.toLowerCase() + date.toISOString().slice(0, 10));
  const sky = SKIES[h % SKIES.length];
  const temp = (h >> 8) % 30 - 2;
  return lang === "zh"
    ? `${name}：${sky.zh}，${temp}°C（演示数据）`
    : `${name}: ${sky.en}, ${temp}°C (demo data)`;
}

/* The page's own data, read once from its <script type="application/json"> elements (kg.explore.page). */
import { buildModel } from "./model.js";

/* when the script started (performance.now() counts from the navigation) */
export const started = performance.now();

const readJson = (id) => JSON.parse(document.getElementById(id).textContent);
/* vis-network's options */
export const OPTIONS = readJson("kg-options");
/* the projection, the views' specs, the article, the UI strings */
export const KG = readJson("kg-data");
export const model = buildModel(KG);

import { h } from "../dom.js";
export async function render(view) { view.append(h("h1", {}, "keys")); }

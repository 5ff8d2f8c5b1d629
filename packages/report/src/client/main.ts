/// <reference path="live.ts" />
/** What the pages call: `vaekitRender(root, data)`, and the dashboard's `vaekitLiveStudy` and `vaekitLiveIndex`. */
interface Window {
  vaekitRender: typeof VaekitClient.render;
  vaekitLiveStudy: typeof VaekitClient.liveStudy;
  vaekitLiveIndex: typeof VaekitClient.liveIndex;
}
window.vaekitRender = VaekitClient.render;
window.vaekitLiveStudy = VaekitClient.liveStudy;
window.vaekitLiveIndex = VaekitClient.liveIndex;

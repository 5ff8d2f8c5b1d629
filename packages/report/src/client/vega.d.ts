/** The parts of the vega and vega-lite browser bundles (globals `vega` and `vegaLite`) the client uses. */
declare namespace vega {
  interface ViewOptions {
    renderer: 'svg' | 'canvas';
    container: Element;
    hover: boolean;
  }
  class View {
    constructor(runtime: unknown, options: ViewOptions);
    runAsync(): Promise<View>;
    finalize(): View;
  }
  function parse(spec: unknown): unknown;
}

declare namespace vegaLite {
  function compile(spec: unknown): { spec: unknown };
}

/**
 * The label sets of a family of series, made once per stage (and once per detailed route) rather
 * than per request, and announced when new so the caller can start its counters at zero: a series
 * that exists from the first request makes `rate()` and error ratios work before the first error.
 *
 * A label set is keyed by what it is made from; a different `dimension` (a REST API renamed) makes
 * a new one. Series of an API that is gone stay until the process ends, as counters do.
 */
export class SeriesLabels<R extends object, L> {
  private readonly stages = new Map<string, Map<string, { dimension: string; labels: L }>>();
  private readonly routes = new WeakMap<R, { dimension: string; stageName: string; labels: L }>();
  private readonly makeStage: (dimension: string, stageName: string) => L;
  private readonly makeRoute: (dimension: string, stageName: string, route: R) => L;
  private readonly created: (labels: L) => void;

  constructor(options: {
    stage: (dimension: string, stageName: string) => L;
    route: (dimension: string, stageName: string, route: R) => L;
    created?: (labels: L) => void;
  }) {
    this.makeStage = options.stage;
    this.makeRoute = options.route;
    this.created = options.created ?? (() => undefined);
  }

  /** The stage's labels. */
  stage(apiKey: string, dimension: string, stageName: string): L {
    let byStage = this.stages.get(apiKey);
    if (byStage === undefined) {
      byStage = new Map();
      this.stages.set(apiKey, byStage);
    }
    const found = byStage.get(stageName);
    if (found !== undefined && found.dimension === dimension) return found.labels;
    const labels = this.makeStage(dimension, stageName);
    byStage.set(stageName, { dimension, labels });
    this.created(labels);
    return labels;
  }

  /** A detailed route's labels (its stage's, plus what names the route). */
  route(route: R, dimension: string, stageName: string): L {
    const found = this.routes.get(route);
    if (found !== undefined && found.dimension === dimension && found.stageName === stageName)
      return found.labels;
    const labels = this.makeRoute(dimension, stageName, route);
    this.routes.set(route, { dimension, stageName, labels });
    this.created(labels);
    return labels;
  }
}

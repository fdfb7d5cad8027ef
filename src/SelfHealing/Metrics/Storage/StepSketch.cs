using SelfHealing.Metrics.Sketches;

namespace SelfHealing.Metrics.Storage;

/// <summary>The quantile sketch of one closed step of a series.</summary>
internal sealed record StepSketch(long Step, SketchSnapshot Sketch);

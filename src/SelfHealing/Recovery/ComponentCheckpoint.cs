namespace SelfHealing.Recovery;

/// <summary>A component's state saved before a risky action, to restore if the action makes things worse.</summary>
/// <param name="Component">The component.</param>
/// <param name="TakenAt">When it was taken; the manager stamps it when the component leaves it default.</param>
/// <param name="State">The component's own representation of its state.</param>
public sealed record ComponentCheckpoint(string Component, DateTimeOffset TakenAt, object? State);

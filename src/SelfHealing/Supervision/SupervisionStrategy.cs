namespace SelfHealing.Supervision;

/// <summary>Which of a supervisor's children are restarted when one of them fails.</summary>
public enum SupervisionStrategy
{
    /// <summary>Only the child that failed is restarted. The default.</summary>
    OneForOne = 0,

    /// <summary>Every child is stopped (in reverse start order) and all are started again in start order.</summary>
    AllForOne = 1,

    /// <summary>The child that failed and the children started after it are stopped and started again, in start order.</summary>
    RestForOne = 2,
}

// OpenTelemetry merges instruments of meters with the same name into one stream, and a host that stops disposes its
// meter, ending that stream for every provider: hosts running side by side would lose each other's points.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

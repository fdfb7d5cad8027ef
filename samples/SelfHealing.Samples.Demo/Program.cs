// The SelfHealing demo: a simulated shop with the dashboard and three scenarios.
//
//   dotnet run --project samples/SelfHealing.Samples.Demo                        serves it; open http://localhost:5000/
//   dotnet run --project samples/SelfHealing.Samples.Demo -- --scenario basic     plays one scenario (basic, optimize,
//                                                                                  cascade or all), prints it, exits
using SelfHealing.Samples.Demo;

int at = Array.IndexOf(args, "--scenario");
string? scenario = at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
if (at >= 0 && (scenario is null || (scenario != "all" && !Scenarios.Names.Contains(scenario))))
{
    Console.Error.WriteLine($"--scenario needs one of: {string.Join(", ", Scenarios.Names)}, all.");
    return 2;
}

WebApplication app = DemoApp.Build(scenario is null ? args : [.. args, "--urls", "http://127.0.0.1:0"]);
if (scenario is null)
{
    await app.RunAsync();
    return 0;
}

await app.StartAsync();
var scenarios = app.Services.GetRequiredService<Scenarios>();
bool all = true;
foreach (string name in scenario == "all" ? Scenarios.Names : [scenario])
{
    Console.WriteLine($"== {name}");
    bool shown = await scenarios.Start(name)!;
    Console.WriteLine(shown ? $"scenario {name}: shown" : $"scenario {name}: NOT shown");
    all &= shown;
}

await app.StopAsync();
return all ? 0 : 1;

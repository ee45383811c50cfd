using Complaints.Intake;
using Complaints.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("intake");
builder.AddIntake();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapIntake();
app.RunService();

/// <summary>Marker for test hosts.</summary>
public partial class Program;

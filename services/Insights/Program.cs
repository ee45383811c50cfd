using Complaints.Insights;
using Complaints.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("insights");
builder.AddInsights();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapInsights();
app.RunService();

/// <summary>Marker for test hosts.</summary>
public partial class Program;

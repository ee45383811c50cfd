using Complaints.Routing;
using Complaints.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("routing");
builder.AddRouting();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapRouting();
app.RunService();

/// <summary>Marker for test hosts.</summary>
public partial class Program;

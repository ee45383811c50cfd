using Complaints.Notifications;
using Complaints.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("notifications");
builder.AddNotifications();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapNotifications();
app.RunService();

/// <summary>Marker for test hosts.</summary>
public partial class Program;

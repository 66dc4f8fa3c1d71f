"""folium maps: ranking, portfolio and comparison maps, their HTML pieces and offline assets."""

urlpatterns = []
api_urlpatterns = []

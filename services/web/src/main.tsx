import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { lazy, StrictMode, Suspense } from "react";
import { createRoot } from "react-dom/client";
import { createBrowserRouter, RouterProvider } from "react-router";
import { ApiError } from "./api.js";
import { Layout } from "./Layout.js";
import { AdminPage } from "./pages/Admin.js";
import { ChangePage } from "./pages/Change.js";
import { GroupWeekPage } from "./pages/GroupWeek.js";
import { GuardrailsPage } from "./pages/Guardrails.js";
import { NotFound } from "./pages/NotFound.js";
import { OverviewPage } from "./pages/Overview.js";
import { StatusPage } from "./pages/Status.js";
import { Loading } from "./ui.js";
import "./styles.css";

// Adoption is charts throughout (recharts): its own chunk, loaded when it is opened.
const AdoptionPage = lazy(() => import("./pages/Adoption.js").then((m) => ({ default: m.AdoptionPage })));

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // The figures change when the rollups run (minutes): a minute fresh, no refetch on focus.
      staleTime: 60_000,
      refetchOnWindowFocus: false,
      // A 4xx will not get better by asking again.
      retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
    },
  },
});

// Every view's state is its URL: the path names the page, group and week; the query its filters.
const router = createBrowserRouter([
  {
    path: "/",
    element: <Layout />,
    children: [
      { index: true, element: <OverviewPage /> },
      { path: "groups/:kind/:name/weeks/:week", element: <GroupWeekPage /> },
      { path: "changes/:id", element: <ChangePage /> },
      {
        path: "adoption",
        element: (
          <Suspense fallback={<Loading what="adoption" />}>
            <AdoptionPage />
          </Suspense>
        ),
      },
      { path: "guardrails", element: <GuardrailsPage /> },
      { path: "status", element: <StatusPage /> },
      { path: "admin", element: <AdminPage /> },
      { path: "*", element: <NotFound /> },
    ],
  },
]);

const root = document.getElementById("root");
if (root !== null) {
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </StrictMode>,
  );
}

import { useRevalidator } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { OPENING_LIVE_EVENT_TYPES } from "#app/domain/opening/live-events.ts";

/**
 * Keeps the hall live (decision 18): one EventSource per page, started at the event id the page
 * was rendered at; every event makes the page re-read its loader, which shows exactly what this
 * viewer may see. EventSource reconnects by itself and resumes with Last-Event-ID, so nothing that
 * happened while the connection was down is missed.
 */
export function useHallEvents(sectionId: string, renderedAt: string): { connected: boolean; received: number } {
  const revalidator = useRevalidator();
  const revalidate = useRef(revalidator.revalidate);
  revalidate.current = revalidator.revalidate;
  const start = useRef(renderedAt);
  const [connected, setConnected] = useState(false);
  const [received, setReceived] = useState(0);
  useEffect(() => {
    const source = new EventSource(`/sections/${sectionId}/opening/events?after=${start.current}`);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onEvent = () => {
      setReceived((n) => n + 1);
      clearTimeout(timer);
      timer = setTimeout(() => revalidate.current(), 100); // a burst of facts, one re-read
    };
    for (const type of OPENING_LIVE_EVENT_TYPES) source.addEventListener(type, onEvent);
    source.onopen = () => setConnected(true);
    source.onerror = () => setConnected(false);
    return () => {
      clearTimeout(timer);
      source.close();
    };
  }, [sectionId]);
  return { connected, received };
}

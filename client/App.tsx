import { HomePage } from './home/HomePage.tsx';
import { RoomPage } from './room/RoomPage.tsx';

/** Two pages: the home page creates rooms, /r/<roomId>#t=<token> is a room. */
export function App() {
  const match = window.location.pathname.match(/^\/r\/([^/]+)\/?$/);
  if (match?.[1]) return <RoomPage roomId={decodeURIComponent(match[1])} />;
  return <HomePage />;
}
